"""The peer of prime_pipeline.task, as the ported program had it: the main
process puts numbers on a multiprocessing.Queue, worker processes take them
and count the primes, and send their counts back on another queue."""
import multiprocessing
import sys
import time


def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def worker(numbers, results):
    found = 0
    while True:
        n = numbers.get()
        if n is None:
            break
        if is_prime(n):
            found += 1
    results.put(found)


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    numbers, results = multiprocessing.Queue(), multiprocessing.Queue()
    start = time.perf_counter()
    procs = [multiprocessing.Process(target=worker, args=(numbers, results)) for _ in range(workers)]
    for p in procs:
        p.start()
    for n in range(2, limit):
        numbers.put(n)
    for _ in procs:
        numbers.put(None)
    primes = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    seconds = time.perf_counter() - start
    print(f"bench=prime_pipeline_py seconds={seconds:.6f} numbers={limit - 2} primes={primes}")


if __name__ == "__main__":
    main()
