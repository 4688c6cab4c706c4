#!/usr/bin/env python3
"""The peer of rules.civic: the same ten rules, in Python 3 with only the
standard library (sqlite3, csv, datetime).

    rules.py prepare --db FILE --residents residents.csv   # tables + residents (not timed)
    rules.py apply   --db FILE --events events.csv         # the timed part
    rules.py summary --db FILE                             # the numbers to compare (not timed)

Meaning, as in Civic (language.md, "Accounts" and "Events and rules"):
- Events are applied in file order. An event whose id is already stored is
  skipped; otherwise it is stored (its reporter must be a stored resident).
- Every rule whose condition holds fires, in the order written, and awards
  points to the reporter. The award is cut to what is left under each of the
  rule's caps (per holder, per calendar day/week/month; weeks start on Monday)
  and under its budget (all holders together); the last limit that cut it is
  recorded. What was granted is added to every one of those windows.
- Every award is a ledger row, also when it was cut to 0. A unique key on
  (rule, event, holder, account) means a rule handles an event for a holder's
  account once: running the same events again changes nothing.
- Balances are kept in a table, moved by each ledger row.
- The whole file is one transaction.
Amounts are kept exactly, as integer hundredths of a point.
"""
import argparse, csv, sqlite3, sys
from datetime import date, timedelta

ACCOUNT = "points"
EVENT = "HazardReport"


def cents(x):
    return int(round(x * 100))


# (name, condition, amount in hundredths, caps, budgets); caps and budgets are
# (amount in hundredths, period). The same order and numbers as rules.civic.
RULES = [
    ("verified fire", lambda e: e["verified"] and e["kind"] == "fire",
     lambda e: (5 + e["severity"]) * 100, [(4000, "month")], []),
    ("verified water leak", lambda e: e["verified"] and e["kind"] == "water",
     lambda e: (3 + e["severity"]) * 100, [(1500, "week")], []),
    ("electrical hazard", lambda e: e["kind"] == "electric" and e["severity"] >= 2,
     lambda e: 2 * e["severity"] * 100, [(2000, "month")], []),
    ("gas leak", lambda e: e["kind"] == "gas",
     lambda e: (8 + e["severity"]) * 100, [(3000, "month")], [(200000, "month")]),
    ("severe report", lambda e: e["severity"] >= 4,
     lambda e: 1000, [(1500, "week"), (4000, "month")], []),
    ("critical and verified", lambda e: e["severity"] == 5 and e["verified"],
     lambda e: 2000, [(4000, "month")], []),
    ("any verified report", lambda e: e["verified"],
     lambda e: 100, [(500, "week")], []),
    ("unverified minor report", lambda e: not e["verified"] and e["severity"] <= 2,
     lambda e: 50, [(200, "week")], []),
    ("blocked exit", lambda e: e["kind"] == "blocked exit",
     lambda e: e["severity"] * 150, [(1200, "month")], []),
    ("structural damage", lambda e: e["kind"] == "structural" and e["severity"] >= 3,
     lambda e: 600, [(600, "day"), (1800, "week")], []),
]

SCHEMA = """
CREATE TABLE resident (id TEXT PRIMARY KEY, name TEXT NOT NULL, building TEXT NOT NULL);
CREATE TABLE hazard_report (
  id TEXT PRIMARY KEY, reporter TEXT NOT NULL REFERENCES resident(id), kind TEXT NOT NULL,
  severity INTEGER NOT NULL, verified INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY, holder TEXT NOT NULL REFERENCES resident(id), account TEXT NOT NULL,
  amount INTEGER NOT NULL, kind TEXT NOT NULL, rule TEXT, event_type TEXT, event_id TEXT, at TEXT NOT NULL,
  operator TEXT NOT NULL, requested INTEGER, cut_by TEXT,
  UNIQUE (rule, event_id, holder, account));
CREATE TABLE balance (
  holder TEXT NOT NULL, account TEXT NOT NULL, balance INTEGER NOT NULL, PRIMARY KEY (holder, account));
CREATE TABLE window (
  scope TEXT NOT NULL, rule TEXT NOT NULL, account TEXT NOT NULL, holder TEXT NOT NULL,
  period TEXT NOT NULL, start TEXT NOT NULL, total INTEGER NOT NULL,
  PRIMARY KEY (scope, rule, account, holder, period, start));
"""


def connect(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def points(hundredths):
    """As Civic prints a Number: plain decimals, no trailing zeros."""
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}".rstrip("0")


def start_of(day, period):
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def prepare(args):
    db = connect(args.db)
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(SCHEMA)
    with open(args.residents, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        db.execute("BEGIN")
        db.executemany("INSERT INTO resident (id, name, building) VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
    db.close()


def apply(args):
    db = connect(args.db)
    cur = db.cursor()
    applied = skipped = fired = credited = awarded = cuts = 0
    cur.execute("BEGIN IMMEDIATE")
    with open(args.events, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if cur.execute("SELECT 1 FROM hazard_report WHERE id = ?", (row["id"],)).fetchone():
                skipped += 1
                continue
            event = {"id": row["id"], "reporter": row["reporter"], "kind": row["kind"],
                     "severity": int(row["severity"]), "verified": row["verified"].lower() == "true", "at": row["at"]}
            cur.execute("INSERT INTO hazard_report (id, reporter, kind, severity, verified, at) VALUES (?, ?, ?, ?, ?, ?)",
                        (event["id"], event["reporter"], event["kind"], event["severity"], event["verified"], event["at"]))
            applied += 1
            day = date.fromisoformat(event["at"][:10])
            for name, condition, amount, caps, budgets in RULES:
                if not condition(event):
                    continue
                fired += 1
                holder = event["reporter"]
                if cur.execute("SELECT 1 FROM ledger WHERE rule = ? AND event_id = ? AND holder = ? AND account = ?",
                               (name, event["id"], holder, ACCOUNT)).fetchone():
                    continue
                credited += 1
                requested = grant = amount(event)
                cut_by = None
                windows = []
                for scope, limits in (("cap", caps), ("budget", budgets)):
                    for limit, period in limits:
                        key = (scope, name, ACCOUNT, holder if scope == "cap" else "", period, start_of(day, period).isoformat())
                        found = cur.execute("SELECT total FROM window WHERE scope = ? AND rule = ? AND account = ? AND holder = ?"
                                            " AND period = ? AND start = ?", key).fetchone()
                        room = max(0, limit - (found[0] if found else 0))
                        if room < grant:
                            grant = room
                            cut_by = f"{scope} {points(limit)} per {period}"
                        windows.append(key)
                if grant > 0:
                    for key in windows:
                        cur.execute("INSERT INTO window (scope, rule, account, holder, period, start, total) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                    " ON CONFLICT DO UPDATE SET total = total + excluded.total", key + (grant,))
                awarded += grant
                if cut_by is not None:
                    cuts += 1
                cur.execute("INSERT INTO ledger (holder, account, amount, kind, rule, event_type, event_id, at, operator, requested, cut_by)"
                            " VALUES (?, ?, ?, 'award', ?, ?, ?, ?, ?, ?, ?)",
                            (holder, ACCOUNT, grant, name, EVENT, event["id"], event["at"], args.operator,
                             None if cut_by is None else requested, cut_by))
                cur.execute("INSERT INTO balance (holder, account, balance) VALUES (?, ?, ?)"
                            " ON CONFLICT DO UPDATE SET balance = balance + excluded.balance", (holder, ACCOUNT, grant))
    cur.execute("COMMIT")
    db.close()
    # The same summary `civic run --events` prints.
    print(f"events read: {applied + skipped} ({applied} applied, {skipped} handled before)")
    print(f"rules fired: {fired}")
    print(f"awarded: {points(awarded) + ' ' + ACCOUNT if credited else 'nothing'}")
    print(f"awards cut by caps, budgets or limits: {cuts}")


def summary(args):
    db = connect(args.db)
    q = lambda sql: db.execute(sql).fetchall()
    print(f"holders with points: {q('SELECT count(*) FROM balance WHERE account = ' + repr(ACCOUNT) + ' AND balance > 0')[0][0]}")
    print(f"points held: {points(q('SELECT coalesce(sum(balance), 0) FROM balance WHERE account = ' + repr(ACCOUNT))[0][0])}")
    # Every resident has a balance (0 without entries), as in Civic.
    everyone = ("SELECT r.id, coalesce(b.balance, 0) AS p FROM resident r"
                " LEFT JOIN balance b ON b.holder = r.id AND b.account = " + repr(ACCOUNT))
    print("top 10:")
    for rid, p in q(everyone + " ORDER BY p DESC, r.id LIMIT 10"):
        print(f"{rid} {points(p)}")
    print("balances:")
    for rid, p in q(everyone + " WHERE p > 0 ORDER BY r.id"):
        print(f"{rid} {points(p)}")
    n, zero, cut = q("SELECT count(*), count(*) FILTER (WHERE amount = 0), count(cut_by) FROM ledger")[0]
    print(f"ledger entries: {n} ({zero} of 0, {cut} cut)")
    db.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["prepare", "apply", "summary"])
    p.add_argument("--db", required=True)
    p.add_argument("--residents")
    p.add_argument("--events")
    p.add_argument("--operator", default="bench")
    args = p.parse_args()
    {"prepare": prepare, "apply": apply, "summary": summary}[args.command](args)


if __name__ == "__main__":
    main()
