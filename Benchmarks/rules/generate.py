#!/usr/bin/env python3
"""Writes the data of the rules benchmark (deterministic: fixed seeds).

    generate.py residents N residents.csv
    generate.py events M N events.csv      # M HazardReport events by N residents

Residents: id,name,building. Events: id,reporter,kind,severity,verified,at,
in file order = time order, spread over 2026-01-01 .. 2026-04-30 (four
months, seventeen weeks). Reporters are skewed: a busy 1% of residents files
a fifth of the reports, so per-holder caps bite; the rest are spread evenly.
"""
import random, sys
from datetime import datetime, timedelta

KINDS = ["fire", "water", "electric", "gas", "blocked exit", "structural", "other"]
KIND_WEIGHTS = [20, 20, 15, 10, 10, 10, 15]
START = datetime(2026, 1, 1)
SPAN_SECONDS = 120 * 86_400                     # 2026-01-01 .. 2026-04-30


def residents(n, out):
    rnd = random.Random(11)
    with open(out, "w", encoding="utf-8") as f:
        f.write("id,name,building\n")
        for i in range(1, n + 1):
            f.write(f"R{i:07d},居民{i},B{rnd.randint(1, 400)}\n")


def events(m, n, out):
    rnd = random.Random(23)
    busy = max(1, n // 100)
    seconds = sorted(rnd.randrange(SPAN_SECONDS) for _ in range(m))
    with open(out, "w", encoding="utf-8") as f:
        f.write("id,reporter,kind,severity,verified,at\n")
        for i, s in enumerate(seconds, 1):
            who = rnd.randint(1, busy) if rnd.random() < 0.2 else rnd.randint(1, n)
            kind = rnd.choices(KINDS, KIND_WEIGHTS)[0]
            severity = rnd.choices([1, 2, 3, 4, 5], [30, 25, 20, 15, 10])[0]
            verified = "true" if rnd.random() < 0.6 else "false"
            at = (START + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S")
            f.write(f"E{i:08d},R{who:07d},{kind},{severity},{verified},{at}\n")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "residents":
        residents(int(sys.argv[2]), sys.argv[3])
    elif what == "events":
        events(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        raise SystemExit(__doc__)
