"""The postgres group of bench.py: the rules workload on PostgreSQL.

    python3 Benchmarks/bench.py [--postgres URL] [--clients 1,2,4] [--residents N] [--events M] postgres

Needs a PostgreSQL server: --postgres URL (a database Civic may make
communities in), or, without it, a throwaway one started with
.ci/postgres-server under Benchmarks/.data/ and stopped at the end.

Step 1, one client: the rules workload (Benchmarks/rules/: ten rules with caps
and a budget, HazardReport events, residents) applied by one `civic run
--events` on SQLite and on PostgreSQL, alternating, each from a fresh store
made beforehand (untimed: SQLite copied from the prepared file; PostgreSQL's
community dropped and made again from a prepared one). The summaries
(summary.civic) of the two must agree exactly.

Step 2, several clients (one client is step 1's run): the events split into as many files as clients,
whole months each (a budget is per month), applied by that many `civic run`
processes started together; timed until the last ends.
  (a) all on one community: runs that write on one community follow one
      another (docs/scaling.md, decision 84), so this shows what one
      community's writer gives; the summary must equal step 1's;
  (b) each client on a community of its own (each with all the residents):
      communities do not wait for each other, so this shows how a city's
      many communities share one server.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)


def with_community(url, name):
    base = url.split("?")[0]
    return f"{base}?community={name}"


def psql(url, sql):
    """Runs SQL on the server (the community parameter is Civic's, not libpq's)."""
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url.split("?")[0], "-c", sql],
                   check=True, capture_output=True, text=True)


class Server:
    """The server the group runs on: given, or started for it."""

    def __init__(self, given, data):
        self.folder = None
        if given:
            self.url = given
            return
        self.folder = os.path.join(data, "postgres-server")
        script = os.path.join(ROOT, ".ci", "postgres-server")
        subprocess.run([script, "stop", self.folder], capture_output=True)
        out = subprocess.run([script, "start", self.folder, "55499"], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"no PostgreSQL server could start: {out.stderr.strip()}")
        self.url = out.stdout.strip().splitlines()[-1]

    def stop(self):
        if self.folder:
            subprocess.run([os.path.join(ROOT, ".ci", "postgres-server"), "stop", self.folder], capture_output=True)


def split_by_month(events_csv, parts, data):
    """The events file cut into `parts` files of whole months, in order."""
    with open(events_csv, encoding="utf-8") as f:
        header = f.readline()
        rows = f.readlines()
    months = sorted({row.rsplit(",", 1)[1][:7] for row in rows})
    if len(months) < parts:
        raise SystemExit(f"{len(months)} months of events cannot be shared by {parts} clients")
    share = [months[i * len(months) // parts:(i + 1) * len(months) // parts] for i in range(parts)]
    paths = []
    for i, ms in enumerate(share):
        path = os.path.join(data, f"{os.path.basename(events_csv)}.part{i + 1}of{parts}.csv")
        wanted = set(ms)
        with open(path, "w", encoding="utf-8") as out:
            out.write(header)
            out.writelines(row for row in rows if row.rsplit(",", 1)[1][:7] in wanted)
        paths.append(path)
    return paths


def lock_order(url, community, parts):
    """The order in which runs of the parts took the community's lock: the
    order their first events were stored in (the hidden row number)."""
    found = []
    for i, part in enumerate(parts):
        with open(part, encoding="utf-8") as f:
            f.readline()
            first = f.readline().split(",", 1)[0]
        out = subprocess.run(["psql", "-tA", "-v", "ON_ERROR_STOP=1", url.split("?")[0], "-c",
                              f'SELECT civic_row FROM "{community}"."HazardReport" WHERE id = \'{first}\''],
                             check=True, capture_output=True, text=True).stdout.strip()
        found.append((int(out), i))
    return [i for _, i in sorted(found)]


def run_group(args, civic, rules_setup, fresh_copy, timed, normalize, data):
    events_csv, civic_db, _ = rules_setup(args.residents, args.events)
    folder = os.path.join(BENCH, "rules")
    rules = os.path.join(folder, "rules.civic")
    summary = os.path.join(folder, "summary.civic")
    residents_csv = os.path.join(data, f"rules-residents-{args.residents}.csv")
    server = Server(args.postgres, data)
    try:
        url = server.url
        prepared = f"bench_prepared_{args.residents}"

        def prepare(name):
            """A community holding the residents and the rules' tables, as the prepared SQLite file does."""
            psql(url, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            start = time.perf_counter()
            db = with_community(url, name)
            subprocess.run([civic(), "import", "Resident", residents_csv, "--schema", os.path.join(folder, "schema.civic"),
                            "--db", db], check=True, capture_output=True)
            subprocess.run([civic(), "run", rules, "--db", db, "--operator", "bench"], check=True, capture_output=True)
            return time.perf_counter() - start

        def fresh_community(name):
            """A copy of the prepared community (pg_dump of its schema, renamed: untimed setup)."""
            psql(url, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            dump = subprocess.run(["pg_dump", "--no-owner", "-n", prepared, url.split("?")[0]],
                                  check=True, capture_output=True, text=True).stdout
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url.split("?")[0]], input=dump.replace(prepared, name),
                           check=True, capture_output=True, text=True)

        print(f"preparing community {prepared} on {url}...", flush=True)
        print(f"  import and first run on PostgreSQL: {prepare(prepared):.1f} s", flush=True)

        # Step 1: one client, SQLite against PostgreSQL.
        sqlite_work = os.path.join(data, "rules-civic-run.sqlite")
        pg_work = with_community(url, "bench_run")
        sqlite_times, pg_times = [], []
        sqlite_out = pg_out = ""
        for _ in range(args.runs):
            fresh_copy(civic_db, sqlite_work)
            t, sqlite_out = timed([civic(), "run", rules, "--db", sqlite_work, "--operator", "bench",
                                   "--events", f"HazardReport={events_csv}"])
            sqlite_times.append(t)
            fresh_community("bench_run")
            t, pg_out = timed([civic(), "run", rules, "--db", pg_work, "--operator", "bench",
                               "--events", f"HazardReport={events_csv}"])
            pg_times.append(t)
        sqlite_summary = timed([civic(), "run", summary, "--db", sqlite_work])[1]
        pg_summary = timed([civic(), "run", summary, "--db", pg_work])[1]
        same = normalize(sqlite_out + "\n" + sqlite_summary) == normalize(pg_out + "\n" + pg_summary)
        s, p = statistics.median(sqlite_times), statistics.median(pg_times)
        rows = [("one client", "SQLite", 1, s, same), ("one client", "PostgreSQL", 1, p, same)]
        print(f"one client: SQLite {s:.1f} s ({args.events / s:,.0f} events/s), PostgreSQL {p:.1f} s "
              f"({args.events / p:,.0f} events/s), PostgreSQL / SQLite {p / s:.2f}{'' if same else '  (DIFFERENT RESULTS)'}",
              flush=True)
        print("\n".join("    " + line for line in pg_out.splitlines()[:12]), flush=True)

        # Step 2: several clients at once (one client is step 1's run, on one
        # community and on a community of its own alike).
        for n in [int(c) for c in args.clients.split(",")]:
            if n == 1:
                rows += [("1 client, one community", "PostgreSQL", 1, p, True), ("1 client, a community each", "PostgreSQL", 1, p, None)]
                continue
            parts = split_by_month(events_csv, n, data)
            for shared in [True, False]:
                names = ["bench_run"] * n if shared else [f"bench_client{i + 1}" for i in range(n)]
                times = []
                for _ in range(args.runs):
                    for name in sorted(set(names)):
                        fresh_community(name)
                    start = time.perf_counter()
                    procs = [subprocess.Popen([civic(), "run", rules, "--db", with_community(url, name), "--operator", "bench",
                                               "--events", f"HazardReport={part}"],
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                             for name, part in zip(names, parts)]
                    for proc in procs:
                        out, err = proc.communicate()
                        if proc.returncode != 0:
                            raise SystemExit(f"a client failed: {err}")
                    times.append(time.perf_counter() - start)
                t = statistics.median(times)
                agrees = None
                if shared:
                    # The runs took the community's lock in some order; the
                    # caps of a week across two parts make the books depend
                    # on it. They must be what applying the parts one after
                    # another in that order gives (on SQLite).
                    after = timed([civic(), "run", summary, "--db", with_community(url, "bench_run")])[1]
                    order = lock_order(url, "bench_run", parts)
                    fresh_copy(civic_db, sqlite_work)
                    for i in order:
                        timed([civic(), "run", rules, "--db", sqlite_work, "--operator", "bench", "--events", f"HazardReport={parts[i]}"])
                    in_turn = timed([civic(), "run", summary, "--db", sqlite_work])[1]
                    agrees = normalize(after) == normalize(in_turn)
                    print(f"    the parts ran in the order {', '.join(str(i + 1) for i in order)}; "
                          f"{'the same as one client' if normalize(after) == normalize(pg_summary) else 'not what one client gives, as caps across parts depend on the order'}",
                          flush=True)
                where = "one community" if shared else "a community each"
                rows.append((f"{n} client{'s' if n > 1 else ''}, {where}", "PostgreSQL", n, t, agrees))
                print(f"{n} clients, {where}: {t:.1f} s, {args.events / t:,.0f} events/s"
                      + ("" if agrees is None else f", books {'the same as the parts applied in that order' if agrees else 'DIFFERENT from the parts applied in that order'}"),
                      flush=True)
        print()
        print("| run | store | clients | time (median) | events/s | same result |")
        print("|---|---|---|---|---|---|")
        for what, store, n, t, same in rows:
            mark = "—" if same is None else ("yes" if same else "NO")
            print(f"| {what} | {store} | {n} | {t:.1f} s | {args.events / t:,.0f} | {mark} |")
    finally:
        server.stop()
