"""The peer of json_decode.task: json.loads, then the records as dataclasses
(what a typed Python program does with an API's answer). Best of 5."""
import json
import sys
import time
from dataclasses import dataclass


@dataclass
class Seller:
    id: int
    rating: int


@dataclass
class Record:
    id: int
    name: str
    price: float
    in_stock: bool
    tags: list
    seller: Seller


def decode(text):
    return [Record(d["id"], d["name"], d["price"], d["in_stock"], d["tags"], Seller(**d["seller"]))
            for d in json.loads(text)]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    best = None
    for _ in range(5):
        start = time.perf_counter()
        records = decode(text)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
        assert records
    mb = len(text.encode()) / 1e6
    print(f"bench=json_decode_py seconds={best:.6f} mb_per_s={mb / best:.1f}")


if __name__ == "__main__":
    main()
