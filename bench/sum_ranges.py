"""The Python peer of examples/sum_ranges.task: three large sums in a
ProcessPoolExecutor of four workers, as the tutorial does it."""
from concurrent.futures import ProcessPoolExecutor


def total_below(n):
    total = 0
    for i in range(n):
        total += i
    return total


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=4) as pool:
        print(list(pool.map(total_below, [5_000_000, 10_000_000, 20_000_000])))
