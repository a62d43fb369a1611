"""The peer of channel_pingpong.task: two asyncio tasks hand a number back
and forth through two queues of size 1 (asyncio has no rendezvous queue; a
size-1 queue suspends each side once per hand-off just the same)."""
import asyncio
import sys
import time


async def ping(to, back, n):
    total = 0
    for i in range(n):
        await to.put(i)
        total += await back.get()
    await to.put(None)
    return total


async def pong(source, back):
    seen = 0
    while True:
        v = await source.get()
        if v is None:
            return seen
        await back.put(v + 1)
        seen += 1


async def main(trips):
    to = asyncio.Queue(1)
    back = asyncio.Queue(1)
    start = time.perf_counter()
    total, seen = await asyncio.gather(ping(to, back, trips), pong(to, back))
    seconds = time.perf_counter() - start
    print(f"bench=channel_pingpong trips={seen} total={total} ns_per_trip={seconds / seen * 1e9:.1f}")


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
