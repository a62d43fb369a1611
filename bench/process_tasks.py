"""N tiny tasks on a ProcessPoolExecutor (submit, then result): the peer of
process_tasks.cpp. Prints one key=value line for bench/run."""
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def tiny(i: int) -> int:
    return i * 2


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 and int(sys.argv[2]) > 0 else None
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(tiny, range(1000)))  # warm up: start the workers
        start = time.monotonic()
        futures = [pool.submit(tiny, i) for i in range(count)]
        total = sum(f.result() for f in futures)
        seconds = time.monotonic() - start
    assert total == count * (count - 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench=process_tasks_processpool seconds={seconds:.6f} peak_rss_mib={peak:.1f} "
          f"us_per_task={seconds / count * 1e6:.6f}")
