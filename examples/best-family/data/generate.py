# Makes the data of the best-family example, the same every time:
#   cd data && python3 generate.py
# 60 families and their residents; 14 nominated, of which 3 cannot be chosen;
# the jury's marks for the 11 candidates; the ballots of the public vote in two
# exports, with a few that do not count (from children, for the voter's own
# family, a resident's second ballot).
import csv
import random

rng = random.Random(2026)

SURNAMES = "周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜谢邹喻柏水窦章云苏潘葛范彭郎鲁韦昌马苗凤方俞任袁柳鲍史唐薛雷贺倪汤"
GIVEN_MALE = ["建国", "志强", "国平", "德明", "永福", "伟", "磊", "军", "浩然", "宇航", "子轩", "明", "涛", "杰", "勇"]
GIVEN_FEMALE = ["秀英", "桂兰", "丽", "静", "芳", "淑珍", "玉梅", "海燕", "雨欣", "梓涵", "一诺", "可馨", "敏", "婷", "娜"]
BUILDINGS = ["欣园1号楼", "欣园3号楼", "欣园5号楼", "和平里2号楼", "和平里5号楼", "翠苑2号楼", "翠苑6号楼"]

# Candidates: family number -> (average jury mark, valid votes). With 4 points
# a vote (at most 100) and jury 70% / vote 30%, the totals are
# F03 93.4, F15 88.4, F22 81.0, F09 81.0 (lower jury mark), F05 = F27 80.6
# (a tie: both 5th), F24 76.2 (votes capped), F30 73.0, F11 65.5, F18 63.2, F26 54.0.
CANDIDATES = {
    3: (94, 23), 15: (92, 20), 22: (90, 15), 9: (78, 22), 5: (86, 17), 27: (86, 17),
    24: (66, 30), 30: (70, 20), 11: (85, 5), 18: (80, 6), 26: (72, 3),
}
# Nominated but cannot be chosen: still voted for, never ranked.
NOT_ELIGIBLE_VOTES = {7: 6, 12: 4, 19: 9}
NOMINATORS = ["楼栋长", "网格员", "居民联名", "社区妇联"]
STORIES = {
    3: "三代同堂, 照顾瘫痪老人十二年",
    5: "夫妻俩义务为楼里老人理发八年",
    7: "全家参加社区垃圾分类督导",
    9: "收养邻居留守儿童放学后托管",
    11: "家庭读书角向全楼开放",
    12: "组织楼道邻里节",
    15: "父子两代消防志愿者",
    18: "婆媳和睦, 调解邻里纠纷",
    19: "常年资助困难学生",
    22: "自费修缮楼道扶手和照明",
    24: "家庭乐队每月为老人演出",
    26: "坚持为独居老人送餐",
    27: "全家无偿献血二十余次",
    30: "反诈宣传进楼道",
}
JUDGES = ["王秀兰", "李国强", "张敏", "陈立", "赵雪"]
OFFSETS = [[2, -1, 0, 1, -2], [-3, 2, 1, 0, 0], [1, 1, -2, 2, -2], [0, -2, 3, -1, 0], [4, -2, -1, 0, -1]]


def person(female):
    return rng.choice(SURNAMES), rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)


families, residents = [], []
for n in range(1, 61):
    fid = f"F{n:02d}"
    surname, given = person(False)
    size = rng.choice([2, 3, 3, 4, 4, 5, 6])
    moved_in = f"{rng.randint(1998, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    family = {"id": fid, "name": f"{surname}{given}家庭", "building": rng.choice(BUILDINGS), "moved_in": moved_in,
              "nominated_by": "", "story": "", "violations": 0, "last_chosen": ""}
    if n in CANDIDATES or n in NOT_ELIGIBLE_VOTES:
        family["moved_in"] = f"{rng.randint(1998, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        family["nominated_by"] = NOMINATORS[n % 4]
        family["story"] = STORIES[n]
    if n == 7:
        family["moved_in"] = "2025-03-15"          # not two years in the community
    if n == 12:
        family["violations"] = 1                    # a violation on record
    if n == 19:
        family["last_chosen"] = 2025                # chosen last year
    if n == 11:
        family["last_chosen"] = 2023                # chosen three years ago: may be chosen again
    if n == 40:
        family["violations"] = 2                    # not nominated either
    families.append(family)
    ages = [rng.randint(30, 80), rng.randint(28, 78)] + [rng.randint(3, 90) for _ in range(size - 2)]
    for i, age in enumerate(ages):
        name = surname + given if i == 0 else (surname if i != 1 else rng.choice(SURNAMES)) + person(i % 2 == 1)[1]
        residents.append({"id": f"R{len(residents) + 1:03d}", "name": name, "age": age, "family": fid})

marks = []
for n, (jury, _) in sorted(CANDIDATES.items()):
    offsets = OFFSETS[n % 5]
    for j, judge in enumerate(JUDGES):
        marks.append({"id": f"PF-F{n:02d}-{j + 1}", "judge": judge, "family": f"F{n:02d}", "score": jury + offsets[j]})

# The ballots: every valid vote from a different adult who is not of the family.
adults = [r for r in residents if r["age"] >= 18]
minors = [r for r in residents if 12 <= r["age"] < 18]
rng.shuffle(adults)
votes, used = [], set()


def ballot(voter, family):
    votes.append({"id": "", "voter": voter["id"], "family": family})


wanted = [(n, v) for n, (_, v) in CANDIDATES.items()] + list(NOT_ELIGIBLE_VOTES.items())
for n, count in sorted(wanted):
    fid = f"F{n:02d}"
    for voter in adults:
        if count == 0:
            break
        if voter["id"] in used or voter["family"] == fid:
            continue
        used.add(voter["id"])
        ballot(voter, fid)
        count -= 1
# Ballots that do not count: four children, three adults voting for their own family.
for voter in minors[:4]:
    ballot(voter, "F03")
own = [r for r in adults if r["id"] not in used and int(r["family"][1:]) in CANDIDATES][:3]
for voter in own:
    used.add(voter["id"])
    ballot(voter, voter["family"])
rng.shuffle(votes)
day = 10 * 24 * 60
for i, v in enumerate(votes):
    d, rest = divmod(day + i * 97 % (10 * 24 * 60), 24 * 60)
    v["at"] = f"2026-11-{d:02d}T{rest // 60:02d}:{rest % 60:02d}"
votes.sort(key=lambda v: v["at"])
# Five residents vote a second time on the last day, for F26: only the first
# ballot received from a resident counts.
votes += [dict(v, family="F26", at=f"2026-11-20T{18 + i}:00") for i, v in enumerate([v for v in votes if v["family"] != "F26"][:5])]
for i, v in enumerate(votes):
    v["id"] = f"TP-{i + 1:04d}"
# The app exports the ballots twice: up to 15 November, and from then on.
first = [v for v in votes if v["at"] < "2026-11-15T12:00"]
second = [v for v in votes if v["at"] >= "2026-11-15T12:00"]
print(f"{len(votes)} ballots: {len(minors[:4])} from children, {len(own)} for the voter's own family, 5 second ballots")


def write(name, rows, fields):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


write("families.csv", families, ["id", "name", "building", "moved_in", "nominated_by", "story", "violations", "last_chosen"])
write("residents.csv", residents, ["id", "name", "age", "family"])
write("marks.csv", marks, ["id", "judge", "family", "score"])
write("votes-1.csv", first, ["id", "voter", "family", "at"])
write("votes-2.csv", second, ["id", "voter", "family", "at"])
