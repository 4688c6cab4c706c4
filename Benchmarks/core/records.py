x = 7
people = []
for i in range(100000):
    x = (x * 1103515245 + 12345) % 2147483648
    people.append({"age": x % 100, "building": "B%d" % (x % 40)})
found = 0
for p in people:
    if p["age"] >= 60 and p["building"] == "B3":
        found = found + 1
print(found)
