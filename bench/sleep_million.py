"""N asyncio tasks that each sleep for D seconds, all in one gather: the peer
of sleep_million.cpp. Prints one key=value line for bench/run."""
import asyncio
import resource
import sys
import time


async def main(count: int, duration: float) -> None:
    await asyncio.gather(*(asyncio.sleep(duration) for _ in range(count)))


count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
duration = (int(sys.argv[2]) if len(sys.argv) > 2 else 1000) / 1000
start = time.monotonic()
asyncio.run(main(count, duration))
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"bench=sleep_million_asyncio seconds={seconds:.6f} peak_rss_mib={peak:.1f} tasks={count}")
