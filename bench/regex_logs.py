"""The peer of regex_logs.task: re.findall over the same log with the same
pattern (given as the second argument). Best of 3."""
import re
import sys
import time


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    pattern = re.compile(sys.argv[2])
    best, count = None, 0
    for _ in range(3):
        start = time.perf_counter()
        found = pattern.findall(text)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
        count = len(found)
    mb = len(text.encode()) / 1e6
    print(f"bench=regex_logs_py seconds={best:.6f} mb_per_s={mb / best:.1f} matches={count}")


if __name__ == "__main__":
    main()
