local x = 42
local numbers = {}
for i = 1, 1000000 do
  x = (x * 1103515245 + 12345) % 2147483648
  numbers[i] = x
end
table.sort(numbers)
print(numbers[1] .. " " .. numbers[500001] .. " " .. numbers[1000000])
