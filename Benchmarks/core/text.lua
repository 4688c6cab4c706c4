-- Lua's idiom for building a long string: pieces in a table, joined once
-- (repeated .. would copy the whole string each time).
local parts = {}
for i = 1, 100000 do
  parts[#parts + 1] = "abcdefghij"
end
local s = table.concat(parts)
print(#s)
