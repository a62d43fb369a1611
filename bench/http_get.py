# The peer of http_get.cpp: N GETs of one URL with at most K in flight, on
# aiohttp (one ClientSession, so connections are kept alive), each response
# checked. Prints the same key=value line.
#
#   python3 http_get.py URL N K
import asyncio
import resource
import sys
import time

import aiohttp


async def worker(session, url, counter, total):
    bad = 0
    while counter[0] < total:
        counter[0] += 1
        async with session.get(url) as response:
            await response.read()
            if response.status != 200:
                bad += 1
    return bad


async def one_round(session, url, total, in_flight):
    counter = [0]
    results = await asyncio.gather(*(worker(session, url, counter, total) for _ in range(in_flight)))
    return sum(results)


async def main(url, total, in_flight):
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        await one_round(session, url, total, in_flight)  # untimed: opens connections
        start = time.perf_counter()
        bad = await one_round(session, url, total, in_flight)
        seconds = time.perf_counter() - start
    if bad:
        sys.exit(f"http_get.py: {bad} responses were not 200")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench=http_get_aiohttp seconds={seconds:.6f} peak_rss_mib={peak:.1f} req_per_s={total / seconds:.1f}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
