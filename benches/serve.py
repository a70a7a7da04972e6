#!/usr/bin/env python3
"""Edit to served, as a writer sees it in the browser: `shelf serve` on a tree of the size of
the real repository, an article saved with a new sentence in its body (then with a new title),
and the time from the save until the page's live-reload long poll answers and the page it
reloads shows the edit. Median of --edits of each, against the targets (body 100 ms, title
200 ms).

    python3 benches/serve.py [--tree DIR] [--tmp /dev/shm] [--edits 10] [--shelf BINARY]

Without --tree, the tree is the corpus copied three times (16,521 articles), each copy after
the first with fresh articleIds (a file without one gets one), written once under --tmp and
reused. The release binary is built first. Only the standard library is used.

The page is fetched when the poll answers, as the page's script does, and not polled in a
loop: polling every few milliseconds costs the server's two cores enough to double what it
measures.
"""

import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLE_ID = re.compile(r'(articleId\s*=\s*")[^"]*(")', re.I)


def copies_of_corpus(corpus, tree, copies=3):
    """`copies` copies of the corpus under tree/c0, c1, ...; all but the first with fresh
    articleIds, so that every article is built."""
    part = tree + ".part"
    shutil.rmtree(part, ignore_errors=True)
    for c in range(copies):
        for folder, _, files in os.walk(corpus):
            out = os.path.join(part, f"c{c}", os.path.relpath(folder, corpus))
            os.makedirs(out, exist_ok=True)
            for name in files:
                data = open(os.path.join(folder, name), "rb").read()
                if c and name.endswith(".md"):
                    text = data.decode("utf-8", "surrogateescape")
                    fresh = lambda m: m.group(1) + str(uuid.uuid4()) + m.group(2)
                    text, n = ARTICLE_ID.subn(fresh, text, count=1)
                    if not n:
                        text = text.replace("<properties", f'<properties articleId="{uuid.uuid4()}"', 1)
                    data = text.encode("utf-8", "surrogateescape")
                open(os.path.join(out, name), "wb").write(data)
    os.rename(part, tree)


def get(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8", "replace")


class Server:
    def __init__(self, shelf, site, tree, port):
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join(site, "serve.log"), "w")
        self.proc = subprocess.Popen(
            [shelf, "serve", "--port", str(port), "--source", tree, "--output", os.path.join(site, "out")],
            cwd=site, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 300
        while True:
            try:
                self.generation = json.loads(get(self.base + "/__shelf/poll?since=18446744073709551615", 5))["generation"]
                return
            except Exception as e:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise SystemExit(f"shelf serve did not start ({e}): see {self.log.name}")
                time.sleep(0.2)

    def edit_to_served(self, path, text, page, marker):
        """Writes `text` to `path`; seconds until a rebuild is announced and `page` shows
        `marker` (a rebuild that does not show it yet is waited past)."""
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        while time.perf_counter() - start < 30:
            status = json.loads(get(f"{self.base}/__shelf/poll?since={self.generation}"))
            if status["generation"] == self.generation:
                continue
            self.generation = status["generation"]
            if marker in get(self.base + page):
                return time.perf_counter() - start
        raise SystemExit(f"{page} never showed the edit")

    def settle(self, seconds):
        """Lets the work that follows a rebuild (the search index) finish, as between two
        saves of a writer."""
        time.sleep(seconds)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "articles"))
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--shelf", help="a shelf binary (default: build the release one)")
    # benches/run passes e2e.py's options too: those this script does not take are left.
    args, _ = ap.parse_known_args()
    store = args.tmp or tempfile.gettempdir()
    tree = args.tree
    if not tree:
        tree = os.path.join(store, "shelf-corpus-x3")
        if not os.path.isdir(tree):
            copies_of_corpus(os.path.abspath(args.corpus), tree)
    shelf = args.shelf
    if not shelf:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        shelf = os.path.join(ROOT, "target", "release", "shelf")
    articles = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs if f.endswith(".md"))
    # A generic article of the middle of the tree, with an articleId and an H1.
    article = next(p for p in articles[len(articles) // 2:]
                   if 'selfHelpType="generic"' in (t := open(p, encoding="utf-8", errors="replace").read())
                   and ARTICLE_ID.search(t) and re.search(r"(?m)^# ", t))
    original = open(article, encoding="utf-8").read()
    article_id = re.search(r'articleId\s*=\s*"([^"]*)"', original, re.I).group(1)
    page = f"/articles/{article_id}.html"
    site = tempfile.mkdtemp(prefix="shelf-serve-bench-", dir=args.tmp)
    print(f"{len(articles)} articles in {tree}; editing {os.path.relpath(article, tree)}", flush=True)
    server = Server(shelf, site, tree, args.port)
    body, title = [], []
    try:
        if original not in get(server.base + page) and "<h1" not in get(server.base + page):
            raise SystemExit(f"{page} is not served")
        for i in range(args.edits):
            marker = f"A sentence added while serving, number {i}."
            body.append(server.edit_to_served(article, f"{original}\n\n{marker}\n", page, marker))
            server.settle(1.0)
        for i in range(args.edits):
            marker = f"Title edited while serving {i}"
            text = re.sub(r"(?m)^# .*$", "# " + marker, original, count=1)
            title.append(server.edit_to_served(article, text, page, marker))
            server.settle(1.0)
    finally:
        with open(article, "w", encoding="utf-8") as f:
            f.write(original)
        server.stop()
        shutil.rmtree(site, ignore_errors=True)
    for name, times, target in [("body edit", body, 100), ("title edit", title, 200)]:
        median = statistics.median(times) * 1000
        verdict = "met" if median < target else "NOT MET"
        print(f"  {name:<11} median {median:6.1f} ms (target < {target} ms: {verdict}); "
              f"each: {' '.join(f'{t * 1000:.0f}' for t in times)}", flush=True)


if __name__ == "__main__":
    main()
