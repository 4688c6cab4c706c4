local x = 7
local people = {}
for i = 1, 100000 do
  x = (x * 1103515245 + 12345) % 2147483648
  people[i] = { age = x % 100, building = "B" .. (x % 40) }
end
local found = 0
for _, p in ipairs(people) do
  if p.age >= 60 and p.building == "B3" then
    found = found + 1
  end
end
print(found)
