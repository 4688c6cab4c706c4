#!/usr/bin/env python3
"""The benchmark harness: builds Civic in release mode and runs each workload
in Civic and in its peer, alternating them, several times each; checks that
both computed the same result; prints a table of medians and ratios.

    python3 Benchmarks/bench.py [--runs 5] [--rows 1000000] [--residents 100000] [--events 1000000]
                                [--households 100000] [--workers 400] [--scratch-path PATH] [GROUP ...]

Groups: core, start, queries, rules, assign, postgres (only when named:
Benchmarks/postgres/group.py says what it does). Data is made once under Benchmarks/.data/ (not
committed). --scratch-path builds Civic there (swift build --scratch-path) and
runs that build's binary.

core: the language alone (Benchmarks/core/): fib(30) by recursion, a loop of
10,000,000 steps summing numbers, a 1,000,000-character text built ten
characters at a time, 1,000,000 numbers made and sorted, 100,000 records made
and filtered on two fields; each as NAME.civic, NAME.py (CPython 3) and
NAME.lua (Lua 5.4: apt-get install lua5.4), which must print the same. Goals:
Civic at most half of CPython's time and at most 2x Lua's, on every workload.

start: `civic run` of a one-line script (goal under 20 ms) and `civic check`
of a 10,000-line script made by Benchmarks/start/generate.py (goal under
100 ms), with python3 and lua5.4 running one line for comparison.

rules: HazardReport events applied by ten points rules with caps and a budget
(Benchmarks/rules/). Civic: `civic run rules.civic --db STORE --events
HazardReport=events.csv`; peer: `rules.py apply` (Python 3, sqlite3). Both
start each run from a fresh copy of a store prepared beforehand (residents
imported, tables made), copied before the clock starts; only applying the
events (reading the file, the rules, the ledger, one commit) is timed. After
the last run, a second, untimed step on each side (`summary.civic`,
`rules.py summary`) prints the balances; the run's own summary (events,
rules fired, points awarded, cuts) and those balances must agree exactly.
Try it small first: --residents 1000 --events 10000 rules.

assign: grid assignment through civic (Benchmarks/assign/). 100,000 households
in buildings of 20 to 120 households, 1 to 6 members each, and 400 grid
workers, imported into a store beforehand; the timed step is `civic run
assign.civic` (`assign Household to Worker where role == "grid" { weight
members; together building; at most 300 }`), the whole process: reading the
rows, the algorithm, writing each household's worker, one commit. Steps: the
first assignment; the same again (nothing changed); after 1% more households
joined existing buildings; after 1% more households came in new buildings
(each from a fresh copy of the assigned store, the new households imported
untimed). After each step `summary.civic` (untimed) runs the assignment once
more, which must move nothing, and prints the heaviest and lightest load over
the average, from `workload Household`. There is no peer: the algorithm alone
is timed by Benchmarks/assign (swift run -c release). Goals: the first step
under 1 second, the heaviest load within 1.10x the average, at most 2% of the
existing households moved after 1% more. Wall time is noisy on a busy machine,
so CPU time (user + system) is shown too.
"""
import argparse, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
DATA = os.path.join(BENCH, ".data")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


SCRATCH = os.path.join(ROOT, ".build")


def civic():
    return os.path.join(SCRATCH, "release", "civic")


def build():
    print("building Civic (release)...", flush=True)
    # Swift's libraries linked in (--static-swift-stdlib): a start-up without
    # the dynamic linker's work on them, 40M -> 26M instructions for one line.
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "civic", "--scratch-path", SCRATCH],
                   cwd=ROOT, check=True)


def timed(cmd, cwd=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return elapsed, out.stdout.strip()


def normalize(text):
    """Results compared as numbers where they are numbers (12.50 == 12.5)."""
    lines = []
    for line in text.splitlines():
        try:
            from decimal import Decimal
            lines.append(str(Decimal(line).normalize()))
        except Exception:
            lines.append(line)
    return lines


def generated(path, label, cmd):
    """Runs a data generator once: the file is kept for later runs."""
    if not os.path.exists(path):
        if label:
            print(f"making {label}...", flush=True)
        sh(cmd)
    return path


CORE = ["fib", "loop", "text", "sort", "records"]


def core_workloads(args):
    folder = os.path.join(BENCH, "core")
    for name in CORE:
        yield (f"core/{name}", [civic(), "run", os.path.join(folder, name + ".civic")],
               [("python3", [sys.executable, os.path.join(folder, name + ".py")]),
                ("lua5.4", ["lua5.4", os.path.join(folder, name + ".lua")])])


def start_group(args):
    folder = os.path.join(BENCH, "start")
    os.makedirs(DATA, exist_ok=True)
    big = generated(os.path.join(DATA, "check-10000.civic"), None,
                    [sys.executable, os.path.join(folder, "generate.py"), "10000", os.path.join(DATA, "check-10000.civic")])
    one = os.path.join(folder, "one.civic")
    steps = [("civic run of one line", [civic(), "run", one], 0.020),
             ("civic check of 10,000 lines", [civic(), "check", big], 0.100),
             ("python3 of one line", [sys.executable, "-c", "print(1)"], None),
             ("lua5.4 of one line", ["lua5.4", "-e", "print(1)"], None)]
    runs = max(args.runs, 10)
    medians = {}
    for _ in range(runs):
        for title, cmd, _goal in steps:
            t, _out = timed(cmd)
            medians.setdefault(title, []).append(t)
    print()
    print(f"start and check, median of {runs} runs")
    print()
    print("| step | time (median) | goal |")
    print("|---|---|---|")
    for title, _cmd, goal in steps:
        m = statistics.median(medians[title])
        verdict = "" if goal is None else f"under {goal * 1000:.0f} ms: {'yes' if m < goal else 'no'}"
        print(f"| {title} | {m * 1000:.1f} ms | {verdict} |")


def queries_setup(rows):
    os.makedirs(DATA, exist_ok=True)
    csv = os.path.join(DATA, f"residents-{rows}.csv")
    generated(csv, f"{rows} rows", [sys.executable, os.path.join(BENCH, "queries", "generate.py"), str(rows), csv])
    civic_db = os.path.join(DATA, f"civic-{rows}.sqlite")
    if not os.path.exists(civic_db):
        print("importing into Civic's store...", flush=True)
        start = time.perf_counter()
        sh([civic(), "import", "Resident", csv, "--schema", os.path.join(BENCH, "queries", "schema.civic"), "--db", civic_db])
        print(f"  civic import: {time.perf_counter() - start:.1f} s", flush=True)
    plain_db = os.path.join(DATA, f"plain-{rows}.sqlite")
    if not os.path.exists(plain_db):
        print("importing into a plain SQLite database...", flush=True)
        schema = "CREATE TABLE Resident (id TEXT PRIMARY KEY, name TEXT, age INTEGER, building TEXT, points NUMERIC);"
        sh(["sqlite3", plain_db], input=f"{schema}\n.mode csv\n.import --skip 1 {csv} Resident\n")
    return civic_db, plain_db


def queries_workloads(args):
    rows = args.rows
    civic_db, plain_db = queries_setup(rows)
    folder = os.path.join(BENCH, "queries")
    for name in ["count", "sum_where", "order_limit"]:
        script = os.path.join(folder, name + ".civic")
        sql = open(os.path.join(folder, name + ".sql")).read()
        yield (f"queries/{name}", [civic(), "run", script, "--db", civic_db], "sqlite3 shell", ["sqlite3", plain_db, sql])


def rules_setup(residents, events):
    os.makedirs(DATA, exist_ok=True)
    folder = os.path.join(BENCH, "rules")
    generate = os.path.join(folder, "generate.py")
    residents_csv = os.path.join(DATA, f"rules-residents-{residents}.csv")
    generated(residents_csv, f"{residents} residents", [sys.executable, generate, "residents", str(residents), residents_csv])
    events_csv = os.path.join(DATA, f"rules-events-{residents}-{events}.csv")
    generated(events_csv, f"{events} events", [sys.executable, generate, "events", str(events), str(residents), events_csv])
    # Civic: residents imported, then the script run once without events, so
    # that the store already has the event table, the books and the account.
    civic_db = os.path.join(DATA, f"rules-civic-{residents}.sqlite")
    if not os.path.exists(civic_db):
        print("importing residents into Civic's store...", flush=True)
        partial = civic_db + ".partial"
        remove_store(partial)
        start = time.perf_counter()
        sh([civic(), "import", "Resident", residents_csv, "--schema", os.path.join(folder, "schema.civic"), "--db", partial])
        sh([civic(), "run", os.path.join(folder, "rules.civic"), "--db", partial, "--operator", "bench"])
        print(f"  civic import: {time.perf_counter() - start:.1f} s", flush=True)
        checkpoint(partial)
        os.rename(partial, civic_db)
    peer_db = os.path.join(DATA, f"rules-python-{residents}.sqlite")
    if not os.path.exists(peer_db):
        print("loading residents into the Python program's database...", flush=True)
        partial = peer_db + ".partial"
        remove_store(partial)
        sh([sys.executable, os.path.join(folder, "rules.py"), "prepare", "--db", partial, "--residents", residents_csv])
        checkpoint(partial)
        os.rename(partial, peer_db)
    return events_csv, civic_db, peer_db


def remove_store(path):
    for suffix in ["", "-wal", "-shm", "-journal"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def checkpoint(path):
    """Folds the write-ahead log into the file, so the file alone is the store."""
    sh(["sqlite3", path, "PRAGMA wal_checkpoint(TRUNCATE);"])
    for suffix in ["-wal", "-shm"]:
        if os.path.exists(path + suffix) and os.path.getsize(path + suffix) == 0:
            os.remove(path + suffix)
    if os.path.exists(path + "-wal"):
        raise SystemExit(f"{path}: the write-ahead log could not be folded in")


def fresh_copy(prepared, work):
    remove_store(work)
    shutil.copyfile(prepared, work)


def civic_ledger_line(path):
    """The ledger's shape, read from Civic's books (`$ledger`) directly: a
    Civic script cannot read them, and the peer prints the same line."""
    import sqlite3
    db = sqlite3.connect(path)
    n, zero, cut = db.execute('SELECT count(*), count(*) FILTER (WHERE amount = 0), count(cut_by) FROM "$ledger"').fetchone()
    db.close()
    return f"ledger entries: {n} ({zero} of 0, {cut} cut)"


def rules_workloads(args):
    events_csv, civic_db, peer_db = rules_setup(args.residents, args.events)
    folder = os.path.join(BENCH, "rules")
    civic_work = os.path.join(DATA, "rules-civic-run.sqlite")
    peer_work = os.path.join(DATA, "rules-python-run.sqlite")
    rules_py = os.path.join(folder, "rules.py")
    yield (f"rules/hazard_reports", 
           [civic(), "run", os.path.join(folder, "rules.civic"), "--db", civic_work, "--operator", "bench",
            "--events", f"HazardReport={events_csv}"],
           "python3 sqlite3",
           [sys.executable, rules_py, "apply", "--db", peer_work, "--events", events_csv, "--operator", "bench"],
           {
               "civic_before": lambda: fresh_copy(civic_db, civic_work),
               "peer_before": lambda: fresh_copy(peer_db, peer_work),
               "civic_after": lambda: timed([civic(), "run", os.path.join(folder, "summary.civic"), "--db", civic_work,
                                             "--operator", "bench"])[1] + "\n" + civic_ledger_line(civic_work),
               "peer_after": lambda: timed([sys.executable, rules_py, "summary", "--db", peer_work])[1],
               "units": (args.events, "events"),
           })


def postgres_group(args):
    """The rules workload on PostgreSQL: Benchmarks/postgres/group.py says what it does."""
    sys.path.insert(0, os.path.join(BENCH, "postgres"))
    import group
    group.run_group(args, civic, rules_setup, fresh_copy, timed, normalize, DATA)


def cpu_of_children():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def assign_setup(households, workers):
    os.makedirs(DATA, exist_ok=True)
    folder = os.path.join(BENCH, "assign")
    generate = os.path.join(folder, "generate.py")
    schema = os.path.join(folder, "schema.civic")
    base = os.path.join(DATA, f"assign-households-{households}.csv")
    generated(base, f"{households} households", [sys.executable, generate, "households", str(households), base])
    workers_csv = os.path.join(DATA, f"assign-workers-{workers}.csv")
    generated(workers_csv, None, [sys.executable, generate, "workers", str(workers), workers_csv])
    more = {}
    for kind in ["join", "build"]:
        more[kind] = os.path.join(DATA, f"assign-{kind}-{households}.csv")
        generated(more[kind], None, [sys.executable, generate, kind, str(max(1, households // 100)), base, more[kind]])
    fresh = os.path.join(DATA, f"assign-fresh-{households}-{workers}.sqlite")
    if not os.path.exists(fresh):
        print("importing into Civic's store...", flush=True)
        partial = fresh + ".partial"
        remove_store(partial)
        sh([civic(), "import", "Worker", workers_csv, "--schema", schema, "--db", partial])
        sh([civic(), "import", "Household", base, "--schema", schema, "--db", partial])
        checkpoint(partial)
        os.rename(partial, fresh)
    return fresh, more


def moved_of(line):
    """(placed, moved, not placed) from 'assigned N Household to W Worker: M moved, U not placed'."""
    import re
    m = re.match(r"assigned (\d+) \S+ to \d+ \S+: (\d+) moved, (\d+) not placed", line)
    if not m:
        raise SystemExit(f"unexpected output of assign: {line!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def assign_group(args):
    households, workers = args.households, args.workers
    fresh, more = assign_setup(households, workers)
    folder = os.path.join(BENCH, "assign")
    script = os.path.join(folder, "assign.civic")
    summary = os.path.join(folder, "summary.civic")
    schema = os.path.join(folder, "schema.civic")
    work = os.path.join(DATA, "assign-run.sqlite")
    assigned = os.path.join(DATA, f"assign-assigned-{households}-{workers}.sqlite")
    rows = []

    def step(title, start_from, before=None, existing=households):
        walls, cpus, out = [], [], ""
        for _ in range(args.runs):
            fresh_copy(start_from, work)
            if before:
                before()
            cpu = cpu_of_children()
            t, out = timed([civic(), "run", script, "--db", work])
            cpus.append(cpu_of_children() - cpu)
            walls.append(t)
        placed, moved, unplaced = moved_of(out.splitlines()[0])
        _, after = timed([civic(), "run", summary, "--db", work])
        lines = after.splitlines()
        _, moved_again, _ = moved_of(lines[0])
        ratios = dict(line.rsplit(" ", 1) for line in lines[1:])
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        percent = 100 * moved / existing if existing else 0.0
        rows.append((title, placed, wall, cpu, moved, percent, unplaced, ratios, moved_again))
        print(f"{title:34} {wall * 1000:7.0f} ms (cpu {cpu * 1000:5.0f} ms)  {out.splitlines()[0]}  "
              f"[{percent:.2f}% moved; heaviest/average {ratios['heaviest/average']}, "
              f"lightest/average {ratios['lightest/average']}; again: {moved_again} moved]", flush=True)

    step("first assignment", fresh, existing=0)
    if not os.path.exists(assigned):
        shutil.copyfile(work, assigned + ".partial")
        checkpoint(assigned + ".partial")
        os.rename(assigned + ".partial", assigned)
    step("again, nothing changed", assigned)
    for kind, title in [("join", "+1% households, existing buildings"), ("build", "+1% households, new buildings")]:
        step(title, assigned,
             before=lambda kind=kind: sh([civic(), "import", "Household", more[kind], "--schema", schema, "--db", work]))
    print()
    print(f"assign through civic: {households} households, {workers} workers, median of {args.runs} runs")
    print()
    print("| step | households | time (median) | CPU (median) | moved | moved % of existing | not placed | heaviest / average | lightest / average |")
    print("|---|---|---|---|---|---|---|---|---|")
    for title, placed, wall, cpu, moved, percent, unplaced, ratios, _ in rows:
        print(f"| {title} | {placed} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {moved} | {percent:.2f}% | {unplaced} | "
              f"{ratios['heaviest/average']} | {ratios['lightest/average']} |")
    first = rows[0]
    worst_moved = max(r[5] for r in rows[2:])
    print()
    print(f"goals: first under 1 s: {'yes' if first[2] < 1 else 'no'} ({first[2] * 1000:.0f} ms); "
          f"heaviest within 1.10x: {'yes' if all(float(r[7]['heaviest/average']) <= 1.10 for r in rows) else 'no'}; "
          f"at most 2% moved after +1%: {'yes' if worst_moved <= 2 else 'no'} ({worst_moved:.2f}%); "
          f"a second run moves nothing: {'yes' if all(r[8] == 0 for r in rows) else 'no'}")


GROUPS = {"core": core_workloads, "queries": queries_workloads, "rules": rules_workloads}
# Groups with their own steps and report, not a comparison with a peer.
STEPS = {"start": start_group, "assign": assign_group, "postgres": postgres_group}
# Goals of a group, as the most Civic's time may be over each peer's.
GOALS = {"core": {"python3": 0.5, "lua5.4": 2.0}, "queries": {"sqlite3 shell": 1.3}}


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}: civic {x!r}, peer {y!r}"
    return f"civic has {len(a)} lines, peer {len(b)}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--residents", type=int, default=100_000, help="rules: residents")
    p.add_argument("--events", type=int, default=1_000_000, help="rules: HazardReport events")
    p.add_argument("--households", type=int, default=100_000, help="assign: households")
    p.add_argument("--workers", type=int, default=400, help="assign: grid workers")
    p.add_argument("--postgres", help="postgres: the server's URL (without it, one is started for the group)")
    p.add_argument("--clients", default="1,2,4", help="postgres: how many clients at once, in turn")
    p.add_argument("--scratch-path", help="build Civic with this scratch path and run that binary")
    p.add_argument("--no-build", action="store_true")
    # postgres needs a server and an hour: it runs only when named.
    p.add_argument("groups", nargs="*", default=list(GROUPS) + [s for s in STEPS if s != "postgres"])
    args = p.parse_args()
    global SCRATCH
    if args.scratch_path:
        SCRATCH = os.path.abspath(args.scratch_path)
    if not args.no_build:
        build()
    results, throughputs = [], []
    for group in args.groups:
        if group in STEPS:
            STEPS[group](args)
            continue
        for name, civic_cmd, *rest in GROUPS[group](args):
            # A workload has one peer (name, command) or a list of them, and
            # optional hooks: *_before runs untimed before each timed command
            # of its side; *_after runs untimed after the last run, its output
            # appended to what is compared; units = (count, word) for a throughput.
            if isinstance(rest[0], str):
                peers, extra = [(rest[0], rest[1])], rest[2:]
            else:
                peers, extra = rest[0], rest[1:]
            hooks = extra[0] if extra else {}
            civic_times = []
            peer_times = {p: [] for p, _ in peers}
            civic_out, peer_out = None, {}
            for _ in range(args.runs):
                hooks.get("civic_before", lambda: None)()
                t, civic_out = timed(civic_cmd)
                civic_times.append(t)
                for peer_name, peer_cmd in peers:
                    hooks.get("peer_before", lambda: None)()
                    t, peer_out[peer_name] = timed(peer_cmd)
                    peer_times[peer_name].append(t)
            if "civic_after" in hooks:
                civic_out += "\n" + hooks["civic_after"]()
            c = statistics.median(civic_times)
            for peer_name, _ in peers:
                out = peer_out[peer_name]
                if "peer_after" in hooks:
                    out += "\n" + hooks["peer_after"]()
                same = normalize(civic_out) == normalize(out)
                if not same:
                    print(f"{name}: RESULTS DIFFER from {peer_name}\n civic: {civic_out[:200]}\n peer:  {out[:200]}")
                    if hooks:
                        print(f" first difference: {first_difference(normalize(civic_out), normalize(out))}")
                q = statistics.median(peer_times[peer_name])
                goal = GOALS.get(group, {}).get(peer_name)
                results.append((name, peer_name, c, q, same, goal))
                print(f"{name:28} civic {c * 1000:9.1f} ms   {peer_name} {q * 1000:9.1f} ms   ratio {c / q:5.2f}{'' if same else '  (DIFFERENT RESULTS)'}", flush=True)
                if "units" in hooks:
                    count, word = hooks["units"]
                    throughputs.append((name, peer_name, count, word, count / c, count / q))
                    print(f"{'':28} civic {count / c:9.0f} {word}/s   {peer_name} {count / q:9.0f} {word}/s", flush=True)
                    print("\n".join("    " + line for line in civic_out.splitlines()[:18]), flush=True)
    if results:
        print()
        print("| workload | peer | Civic (median) | peer (median) | Civic / peer | goal | same result |")
        print("|---|---|---|---|---|---|---|")
        for name, peer, c, q, same, goal in results:
            met = "" if goal is None else f"≤ {goal}: {'yes' if c / q <= goal else 'no'}"
            print(f"| {name} | {peer} | {c * 1000:.1f} ms | {q * 1000:.1f} ms | {c / q:.2f} | {met} | {'yes' if same else 'NO'} |")
    if throughputs:
        print()
        print("| workload | peer | size | Civic | peer | Civic / peer throughput |")
        print("|---|---|---|---|---|---|")
        for name, peer, count, word, c, q in throughputs:
            print(f"| {name} | {peer} | {count} {word} | {c:,.0f} {word}/s | {q:,.0f} {word}/s | {c / q:.2f} |")


if __name__ == "__main__":
    main()
