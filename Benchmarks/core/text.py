# Python's idiom for building a long string: pieces in a list, joined once
# (repeated + copies the whole string each time at module level).
parts = []
for i in range(100000):
    parts.append("abcdefghij")
s = "".join(parts)
print(len(s))
