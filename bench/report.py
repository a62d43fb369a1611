"""The peer of examples/report.task: two fetches at once (asyncio, at most 4
by a semaphore, 2 s timeout), then a CPU crunch of their sum."""
import asyncio

net = asyncio.Semaphore(4)


async def fetch_data(x: int) -> int:
    async with net:
        await asyncio.wait_for(asyncio.sleep(0.1), 2)
        return x * 2


def crunch(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


async def main() -> None:
    a, b = await asyncio.gather(fetch_data(1), fetch_data(2))
    print(crunch(a + b))


asyncio.run(main())
