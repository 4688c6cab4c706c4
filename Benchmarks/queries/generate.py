#!/usr/bin/env python3
"""Writes residents.csv with N rows (default 1,000,000) for the query benchmark."""
import random, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "residents.csv"
random.seed(7)
with open(out, "w", encoding="utf-8") as f:
    f.write("id,name,age,building,points\n")
    for i in range(1, n + 1):
        f.write(f"R{i:07d},居民{i},{random.randint(1, 99)},B{random.randint(1, 400)},{random.randint(0, 5000)}.{random.randint(0, 99):02d}\n")
