#!/usr/bin/env python3
"""make_data.py KIND PATH MB — deterministic input for the data benchmarks.

  json: a JSON array of records (id, name, price, in_stock, tags, an ignored
        nested object), like an API's answer.
  logs: web server access-log lines (Common Log Format).
"""
import json
import random
import sys


def records(size):
    rng = random.Random(7)
    out, total, i = [], 2, 0
    while total < size:
        record = {
            "id": i,
            "name": f"item {i} \u00e9t\u00e9",
            "price": round(rng.uniform(0, 1000), 2),
            "in_stock": rng.random() < 0.7,
            "tags": rng.sample(["red", "green", "blue", "sale", "new"], rng.randint(0, 3)),
            "seller": {"id": rng.randint(1, 10**6), "rating": rng.randint(1, 5)},
        }
        text = json.dumps(record)
        out.append(text)
        total += len(text) + 2
        i += 1
    return "[" + ",\n".join(out) + "]"


def logs(size):
    rng = random.Random(7)
    methods = ["GET", "GET", "GET", "POST", "PUT"]
    lines, total = [], 0
    while total < size:
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        line = (f'{ip} - - [10/Oct/2026:13:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] '
                f'"{rng.choice(methods)} /path/{rng.randint(1, 5000)}/page.html HTTP/1.1" '
                f'{rng.choice([200, 200, 200, 404, 500])} {rng.randint(100, 50000)}')
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def main():
    kind, path, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    text = records(int(mb * 1e6)) if kind == "json" else logs(int(mb * 1e6))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
