#!/usr/bin/env python3
"""End-to-end timings of the release `shelf` binary (build and check): median wall time, CPU time and peak memory
of N runs of each command, measured in one run so figures compare.

    python3 benches/e2e.py [--runs 5] [--corpus ../shared/corpus/articles] [--tmp /dev/shm]

--tmp chooses where the site is written: on this kind of machine a disk-backed /tmp makes the
build I/O-bound (10k small files), a tmpfs shows the CPU cost alone. Quote both.

Builds the release binary first. Only the standard library is used.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd):
    """Runs cmd once; returns (wall s, cpu s, peak RSS MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench(name, cmd, runs):
    measure(cmd)  # warm the page cache
    rows = [measure(cmd) for _ in range(runs)]
    codes = {r[3] for r in rows}
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] for r in rows)
    rss = max(r[2] for r in rows)
    print(f"{name:<34} wall {wall*1000:8.1f} ms   cpu {cpu*1000:8.1f} ms   peak {rss:7.1f} MiB   "
          f"exit {','.join(map(str, sorted(codes)))}   (median of {runs}; min {min(r[0] for r in rows)*1000:.1f} ms)")
    return wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", default=os.environ.get("SHELF_CORPUS", os.path.join(ROOT, "../shared/corpus/articles")))
    ap.add_argument("--tmp", default=None, help="folder for the output (default: the system temp folder)")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    shelf = os.path.join(ROOT, "target/release/shelf")
    print(f"machine: {os.cpu_count()} cores; corpus: {args.corpus}; output under {args.tmp or tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        out = os.path.join(tmp, "site")
        bench("build samples (articles/)", [shelf, "build", "--source", os.path.join(ROOT, "articles"), "--output", out], args.runs)
        bench("check samples (articles/)", [shelf, "check", os.path.join(ROOT, "articles")], args.runs)
        if os.path.isdir(args.corpus):
            bench("check corpus (json)", [shelf, "check", args.corpus, "--format", "json"], args.runs)
            bench("check corpus (sarif)", [shelf, "check", args.corpus, "--format", "sarif"], args.runs)
            built = bench("build corpus", [shelf, "build", "--source", args.corpus, "--output", out], args.runs)
            bare = bench("build corpus --no-search", [shelf, "build", "--source", args.corpus, "--output", out, "--no-search"], args.runs)
            print(f"{'search indexing adds':<34} {(built - bare) * 1000:8.1f} ms   ({(built / bare - 1) * 100:+.1f}% of the build without it)")
            bench("build corpus --cloud mooncake", [shelf, "build", "--source", args.corpus, "--output", out, "--cloud", "mooncake"], args.runs)
        else:
            print(f"no corpus at {args.corpus}", file=sys.stderr)


if __name__ == "__main__":
    main()
