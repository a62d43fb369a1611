"""The Python peer of examples/primes.task: trial division of ten numbers
above ten million in a ProcessPoolExecutor, as the tutorial does it."""
from concurrent.futures import ProcessPoolExecutor


def prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


if __name__ == "__main__":
    with ProcessPoolExecutor() as pool:
        print(list(pool.map(prime, [10_000_019 + k for k in range(10)])))
