#!/usr/bin/env python3
"""Writes a Civic script of about N lines for the `civic check` benchmark:
entities, accounts, events, rules with caps, functions, programmes and
statements, in the proportions of a large real script (names numbered so
that nothing is declared twice).

    python3 generate.py LINES OUT.civic
"""
import sys

lines_wanted, out = int(sys.argv[1]), sys.argv[2]
i = 0
lines = []
while True:
    i += 1
    part = [
        f"# part {i}",
        f"entity Resident{i} {{",
        "  key id: Text",
        "  name: Text",
        "  age: Number",
        "  building: Text",
        "  phone: Text private",
        "}",
        f"account points of Resident{i}",
        f"event Report{i} {{ reporter: Resident{i}, kind: Text, severity: Number, verified: Bool }}",
        f"fn bonus{i}(severity) {{",
        "  if severity >= 3 {",
        "    return 5 + severity * 2",
        "  }",
        "  return 5 + severity",
        "}",
        f"rule \"report {i}\" on Report{i} r when r.verified and r.kind != \"noise\" {{",
        f"  award bonus{i}(r.severity) points to r.reporter for \"report {{r.id}}\"",
        "  cap 40 per month",
        "}",
        f"programme \"Drill {i}\" {{",
        "  category \"safety\"",
        f"  eligible Resident{i} where age >= 16",
        "  capacity 50",
        "}",
        f"let seniors{i} = count Resident{i} where age >= 60 and building == \"B{i % 40}\"",
        f"let top{i} = Resident{i} where building == \"B3\" order by points desc limit 10",
        f"var total{i} = 0",
        f"for r in Resident{i} where age >= 18 {{",
        f"  total{i} = total{i} + r.points",
        "}",
        f"print \"part {i}: {{seniors{i}}} seniors, {{total{i}}} points\"",
        "",
    ]
    if len(lines) + len(part) > lines_wanted:
        break
    lines += part
# Whole parts only; comment lines make up the exact count.
lines += [f"# line {n}" for n in range(len(lines) + 1, lines_wanted + 1)]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
