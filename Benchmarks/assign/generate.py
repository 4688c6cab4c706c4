#!/usr/bin/env python3
"""Writes the data of the assign benchmark through civic (deterministic: fixed seeds).

    generate.py households N households.csv     # N households in buildings of 20 to 120
    generate.py workers W workers.csv           # W grid workers (and a few volunteers)
    generate.py join K households.csv new.csv   # K more households, into existing buildings
    generate.py build K households.csv new.csv  # K more households, in new buildings

Households: id,building,members (1 to 6 members, mostly 1 to 3). Workers:
id,name,role. The new households follow on from the ids and buildings of
households.csv.
"""
import csv, random, sys


def members(rnd):
    roll = rnd.randint(1, 20)
    return 1 if roll <= 4 else 2 if roll <= 10 else 3 if roll <= 15 else 4 if roll <= 18 else 5 if roll == 19 else 6


def write(out, rows):
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("id,building,members\n")
        for h, b, m in rows:
            f.write(f"H{h:06d},B{b:05d},{m}\n")


def buildings(rnd, total, first_household, first_building):
    rows, h, b = [], first_household, first_building
    while len(rows) < total:
        size = min(total - len(rows), rnd.randint(20, 120))
        for _ in range(size):
            rows.append((h, b, members(rnd)))
            h += 1
        b += 1
    return rows


def existing(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [(int(r["id"][1:]), int(r["building"][1:]), int(r["members"])) for r in rows]


def main():
    what = sys.argv[1]
    if what == "households":
        write(sys.argv[3], buildings(random.Random(2026), int(sys.argv[2]), 1, 1))
    elif what == "workers":
        rnd = random.Random(7)
        n = int(sys.argv[2])
        with open(sys.argv[3], "w", encoding="utf-8", newline="") as f:
            f.write("id,name,role\n")
            for i in range(1, n + n // 20 + 1):
                f.write(f"W{i:04d},网格员{i},{'grid' if i <= n else 'volunteer'}\n")
    elif what in ("join", "build"):
        k, old = int(sys.argv[2]), existing(sys.argv[3])
        rnd = random.Random(31 if what == "join" else 37)
        next_h = max(h for h, _, _ in old) + 1
        if what == "join":
            rows = [(next_h + i, rnd.choice(old)[1], members(rnd)) for i in range(k)]
        else:
            rows = buildings(rnd, k, next_h, max(b for _, b, _ in old) + 1)
        write(sys.argv[4], rows)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
