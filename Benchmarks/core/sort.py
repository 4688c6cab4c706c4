x = 42
numbers = []
for i in range(1000000):
    x = (x * 1103515245 + 12345) % 2147483648
    numbers.append(x)
s = sorted(numbers)
print(s[0], s[500000], s[999999])
