#!/usr/bin/env python3
"""Makes the example district's data: 3 compounds, 40 buildings, 4,000
households and 12 grid workers (and 3 volunteers, who are not assigned), plus
60 households who move in later. Deterministic: the same files every time.
Run from this folder: python3 generate.py"""
import csv, random

random.seed(20261129)
compounds = ["欣园", "和平里", "翠苑"]
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌鹏飞宇浩然欣怡子涵梓轩思远"


def members():
    return random.choice([1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 6])


def name(used):
    while True:
        n = random.choice(surnames) + "".join(random.choice(given) for _ in range(random.choice([1, 2])))
        if n not in used:
            used.add(n)
            return n


# 40 buildings of 50 to 150 households, 4,000 in all.
sizes = [random.randint(50, 150) for _ in range(40)]
i = 0
while sum(sizes) != 4000:
    step = 1 if sum(sizes) < 4000 else -1
    if 50 <= sizes[i % 40] + step <= 150:
        sizes[i % 40] += step
    i += 1

buildings, households = [], []
for b, size in enumerate(sizes, 1):
    building = {"id": f"B{b:02d}", "compound": compounds[(b - 1) % 3], "floors": random.choice([6, 6, 11, 18, 24])}
    buildings.append(building)
    for _ in range(size):
        households.append({"id": f"H{len(households) + 1:04d}", "building": building["id"],
                           "compound": building["compound"], "members": members()})

used = set()
workers = [{"id": f"W{i:02d}", "name": name(used), "role": "grid" if i <= 12 else "volunteer"} for i in range(1, 16)]

# Later: 40 households move into existing buildings, and a new building B41 opens with 20.
moving_in = []
for k in range(40):
    b = random.choice(buildings)
    moving_in.append({"id": f"N{k + 1:03d}", "building": b["id"], "compound": b["compound"], "members": members()})
for k in range(40, 60):
    moving_in.append({"id": f"N{k + 1:03d}", "building": "B41", "compound": "翠苑", "members": members()})


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


write("buildings.csv", buildings)
write("households.csv", households)
write("workers.csv", workers)
write("moving_in.csv", moving_in)
print(f"{len(buildings)} buildings, {len(households)} households, {len(workers)} workers, {len(moving_in)} moving in")
