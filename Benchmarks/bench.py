#!/usr/bin/env python3
"""The benchmark harness: builds Civic in release mode and runs each workload
in Civic and in its peer, alternating them, several times each; checks that
both computed the same result; prints a table of medians and ratios.

    python3 Benchmarks/bench.py [--runs 5] [--rows 1000000] [GROUP ...]

Groups: queries. Data is made once under Benchmarks/.data/ (not committed).
"""
import argparse, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
DATA = os.path.join(BENCH, ".data")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def civic():
    return os.path.join(ROOT, ".build", "release", "civic")


def build():
    print("building Civic (release)...", flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "civic"], cwd=ROOT, check=True)


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


def queries_setup(rows):
    os.makedirs(DATA, exist_ok=True)
    csv = os.path.join(DATA, f"residents-{rows}.csv")
    if not os.path.exists(csv):
        print(f"making {rows} rows...", flush=True)
        sh([sys.executable, os.path.join(BENCH, "queries", "generate.py"), str(rows), csv])
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


def queries_workloads(rows):
    civic_db, plain_db = queries_setup(rows)
    folder = os.path.join(BENCH, "queries")
    for name in ["count", "sum_where", "order_limit"]:
        script = os.path.join(folder, name + ".civic")
        sql = open(os.path.join(folder, name + ".sql")).read()
        yield (f"queries/{name}", [civic(), "run", script, "--db", civic_db], "sqlite3 shell", ["sqlite3", plain_db, sql])


GROUPS = {"queries": queries_workloads}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--no-build", action="store_true")
    p.add_argument("groups", nargs="*", default=list(GROUPS))
    args = p.parse_args()
    if not args.no_build:
        build()
    results = []
    for group in args.groups:
        for name, civic_cmd, peer_name, peer_cmd in GROUPS[group](args.rows):
            civic_times, peer_times = [], []
            civic_out = peer_out = None
            for _ in range(args.runs):
                t, civic_out = timed(civic_cmd)
                civic_times.append(t)
                t, peer_out = timed(peer_cmd)
                peer_times.append(t)
            same = normalize(civic_out) == normalize(peer_out)
            if not same:
                print(f"{name}: RESULTS DIFFER\n civic: {civic_out[:200]}\n peer:  {peer_out[:200]}")
            c, q = statistics.median(civic_times), statistics.median(peer_times)
            results.append((name, peer_name, c, q, same))
            print(f"{name:28} civic {c * 1000:9.1f} ms   {peer_name} {q * 1000:9.1f} ms   ratio {c / q:5.2f}{'' if same else '  (DIFFERENT RESULTS)'}", flush=True)
    print()
    print("| workload | peer | Civic (median) | peer (median) | Civic / peer | same result |")
    print("|---|---|---|---|---|---|")
    for name, peer, c, q, same in results:
        print(f"| {name} | {peer} | {c * 1000:.1f} ms | {q * 1000:.1f} ms | {c / q:.2f} | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
