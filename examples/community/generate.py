#!/usr/bin/env python3
"""Makes the example community's data: 40 buildings in 3 compounds, 300+
households, 1,000+ residents and 12 grid workers. Deterministic: the same
files every time. Run from this folder: python3 generate.py"""
import csv, random

random.seed(20261128)
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌鹏飞宇浩然欣怡子涵梓轩思远"
compounds = ["欣园", "和平里", "翠苑"]

def name():
    return random.choice(surnames) + "".join(random.choice(given) for _ in range(random.choice([1, 2])))

buildings = []
for i in range(1, 41):
    buildings.append({"id": f"B{i}", "compound": compounds[(i - 1) % 3], "floors": random.choice([6, 6, 11, 18, 24])})

households, residents = [], []
r = 0
for b in buildings:
    for h in range(random.randint(8, 10)):
        hid = f"H{len(households) + 1:03d}"
        members = random.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
        households.append({"id": hid, "building": b["id"], "compound": b["compound"], "members": members})
        for m in range(members):
            r += 1
            age = random.choice([random.randint(1, 17), random.randint(18, 64), random.randint(18, 64), random.randint(65, 96)])
            residents.append({
                "id": f"R{r:04d}", "name": name(), "age": age, "building": b["id"],
                "living_alone": "true" if members == 1 and age >= 60 else "false",
                "phone": "1" + random.choice("3589") + "".join(random.choice("0123456789") for _ in range(9)),
            })

workers = [{"id": f"W{i:02d}", "name": name(), "role": "grid" if i <= 12 else "volunteer"} for i in range(1, 16)]

def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

write("data/buildings.csv", buildings)
write("data/households.csv", households)
write("data/residents.csv", residents)
write("data/workers.csv", workers)
print(len(buildings), "buildings,", len(households), "households,", len(residents), "residents,", len(workers), "workers")
