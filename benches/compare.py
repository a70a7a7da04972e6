#!/usr/bin/env python3
"""Two or more shelf binaries on the same trees, run alternately so that the machine's drift
(thermal, page cache, a neighbour's load) falls on all of them alike: the way to say what a
change costs. Median wall time of each command and each binary, and the change from the first.

    python3 benches/compare.py OLD_SHELF NEW_SHELF [...] [--runs 11] [--tmp /dev/shm]
                               [--corpus ../shared/corpus/articles] [--sizes 100000]

Commands: `check` and a cold `build` (no output, no kept site, no saved state) and a forced
rebuild (`--force` over the previous site) of the corpus, then the same three on each
synthetic size (`benches/synth.py`, seed 1, shared with e2e.py). Each run goes through every
binary in turn, in a rotated order. Only the standard library is used.
"""

import argparse, os, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
from e2e import emptied, measure, shelf_site  # noqa: E402


def commands(tree, work, tag):
    """(name, argv after the binary, before) of the three commands on `tree`; `before` runs
    untimed before each run. Each binary writes its own site (`tag` and the binary's index)."""
    def build(i):
        return ["build", "--source", tree, "--output", os.path.join(work, f"site-{tag}-{i}"), "--quiet"]

    def fresh(i):
        out = os.path.join(work, f"site-{tag}-{i}")
        return emptied(*shelf_site(out), os.path.join(work, f"state-{i}", ".shelf-cache"))

    return [
        ("check", lambda i: ["check", tree, "--quiet"], None),
        ("build (cold)", build, fresh),
        ("build --force", lambda i: build(i) + ["--force"], None),
    ]


def compare(binaries, tree, label, runs, work):
    print(f"{label}: {tree}", flush=True)
    for name, argv, before in commands(tree, work, label.split()[0]):
        walls = [[] for _ in binaries]
        codes = [set() for _ in binaries]
        # One untimed round first: it warms the page cache and makes the previous site that
        # --force writes over.
        for round_ in range(runs + 1):
            order = list(range(len(binaries)))
            order = order[round_ % len(order):] + order[:round_ % len(order)]
            for i in order:
                cwd = os.path.join(work, f"state-{i}")
                os.makedirs(cwd, exist_ok=True)
                if before:
                    before(i)()
                wall, _, _, code = measure([binaries[i]] + argv(i), cwd)
                if round_:
                    walls[i].append(wall)
                    codes[i].add(code)
        base = statistics.median(walls[0])
        for i, binary in enumerate(binaries):
            median = statistics.median(walls[i])
            change = "" if i == 0 else f"  {(median / base - 1) * 100:+6.1f}%"
            print(f"  {name:<15} {median * 1000:9.1f} ms{change:9}  exit {','.join(map(str, sorted(codes[i])))}"
                  f"  {binary}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "articles"))
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--sizes", default="")
    args = ap.parse_args()
    binaries = [os.path.abspath(b) for b in args.binaries]
    corpus = os.path.abspath(args.corpus)
    work = tempfile.mkdtemp(prefix="shelf-compare-", dir=args.tmp)
    try:
        compare(binaries, corpus, "corpus", args.runs, work)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            tree = os.path.join(args.tmp or tempfile.gettempdir(), f"shelf-synth-{n}-seed1")
            if not os.path.isdir(tree):
                subprocess.run([sys.executable, os.path.join(ROOT, "benches/synth.py"), str(n), tree + ".part"],
                               check=True, stdout=subprocess.DEVNULL)
                os.rename(tree + ".part", tree)
            compare(binaries, tree, f"{n} synthetic articles", max(3, args.runs // 3), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
