"""Haven and Hugo side by side: full builds of comparable sites, per page (issue 14).

    python bench/hugo_compare.py [--languages 20] [--organizations 100] [--runs 3] [--hugo /usr/bin/hugo]

It generates the synthetic hub (bench/make_synthetic_hub.py) and, from the same content, a
Hugo site with the same number of pages per language: one page per organization (its
description, services and phones), the three documents (the same Markdown), and list pages of
up to 40 organizations standing for Haven's filter pages, in every language (the translated
text is the synthetic catalogs' `[tag]`-prefixed source, as in the hub). The Hugo templates
have what Haven's pages have: a head, a header with the navigation, a footer, links relative
to each page. Taxonomies, RSS, the sitemap and robots.txt are turned off.

Then it runs clean full builds in pairs, A B A B: `haven build HUB --output OUT --no-pdf
--clean` and `hugo --source SITE --destination OUT`, each as a new process after its output
folder is removed and the disk synced. It reports, per run and as medians: wall time, CPU time
(the process and its children: Haven's language workers, Hugo's threads), HTML pages, and the
ratios Haven/Hugo of wall and CPU time per page, and the bytes each wrote.

Haven's modules are compiled to bytecode first, as pip compiles an installed package.
A clean build keeps what `haven build --clean` keeps: Haven's compiled templates
(`~/.cache/haven`) and the translation checks' results beside the site
(`.haven-state-<site>/checks/`); `--no-cache` deletes that folder and gives Haven an empty
cache folder (`XDG_CACHE_HOME`) before each build: a hub's first build on a new machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from make_synthetic_hub import make_hub  # bench/, the script's own folder

HERE = Path(__file__).resolve().parent
PER_LIST = 40

CONFIG = """\
baseURL = "https://families.example.org/"
title = "Synthetic District"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
relativeURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false
[markup.goldmark.renderer]
unsafe = false
[languages]
{languages}
"""

BASEOF = """\
<!doctype html>
<html lang="{{ .Site.Language.Lang }}" dir="{{ if in (slice "ar" "fa" "ur" "ps" "prs") .Site.Language.Lang }}rtl{{ else }}ltr{{ end }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "assets/site.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav><ul>
{{ range where .Site.RegularPages "Section" "documents" }}<li><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $.RelPermalink }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul></nav>
</header>
<main id="main">
<h1>{{ .Title }}</h1>
{{ block "main" . }}{{ end }}
</main>
<footer><p>Call us: <a class="tel" href="tel:+12035550172" dir="ltr">203-555-0172</a></p>
<p>This site collects nothing about you: no cookies, no tracking, no forms.</p></footer>
</body>
</html>
"""

SINGLE = """{{ define "main" }}
{{ with .Params.phones }}<ul class="phones">{{ range . }}<li><a class="tel" href="tel:{{ . }}" dir="ltr">{{ . }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ with .Params.services }}<h2>Services</h2>{{ range . }}<section><h3>{{ .name }}</h3><p>{{ .description }}</p></section>{{ end }}{{ end }}
{{ end }}
"""

LIST = """{{ define "main" }}
<ul class="cards">{{ range .Site.RegularPages }}{{ if eq .Section "documents" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
{{ end }}
"""


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def make_hugo_site(hub: Path, site: Path, pages_per_language: int) -> None:
    """A Hugo site from the hub's content, `pages_per_language` pages in each language."""
    hub_data = yaml.safe_load((hub / "hub.yaml").read_text())
    tags = [entry if isinstance(entry, str) else entry["tag"] for entry in hub_data["languages"]]
    orgs = [yaml.safe_load(p.read_text()) for p in sorted((hub / "directory").glob("*.yaml"))]
    documents = sorted((hub / "documents").glob("*.md"))
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "static" / "assets").mkdir(parents=True)
    shutil.copy(HERE.parent / "src" / "haven" / "render" / "static" / "haven.css",
                site / "static" / "assets" / "site.css")
    languages = "\n".join(
        f'[languages.{re.sub(r"[^A-Za-z0-9]", "_", tag)}]\nlanguageCode = "{tag}"\n'
        f'languageName = "{tag}"\nweight = {n + 1}\ncontentDir = "content/{tag}"\n'
        f'title = "Synthetic District"'
        for n, tag in enumerate(tags))
    (site / "config.toml").write_text(CONFIG.format(languages=languages))
    (site / "layouts" / "_default" / "baseof.html").write_text(BASEOF)
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE)
    (site / "layouts" / "_default" / "list.html").write_text(LIST)
    lists = max(0, pages_per_language - 1 - len(orgs) - len(documents))
    for tag in tags:
        prefix = "" if tag == tags[0] else f"[{tag}] "
        root = site / "content" / tag
        (root / "org").mkdir(parents=True)
        (root / "documents").mkdir()
        (root / "help").mkdir()
        (root / "_index.md").write_text(f"---\ntitle: \"{prefix}Synthetic District\"\n---\n")
        for org in orgs:
            services = [{"name": prefix + s.get("name", ""), "description": prefix + s.get(
                "description", "")} for s in org.get("services", [])]
            phones = [p["number"] for p in org.get("phones", [])]
            front = yaml.safe_dump({"title": prefix + org["name"], "phones": phones,
                                    "services": services}, allow_unicode=True)
            (root / "org" / f"{org['id']}.md").write_text(
                f"---\n{front}---\n{prefix}{org.get('description', '')}\n")
        for doc in documents:
            text = doc.read_text()
            _, front, body = text.split("---", 2)
            meta = yaml.safe_load(front)
            head = yaml.safe_dump({"title": prefix + meta["title"]}, allow_unicode=True)
            (root / "documents" / doc.name).write_text(f"---\n{head}---\n{body}")
        for n in range(lists):
            chosen = [orgs[(n * 7 + k) % len(orgs)] for k in range(min(PER_LIST, len(orgs)))]
            items = "\n".join(f"- [{prefix}{o['name']}](../../org/{o['id']}/): "
                              f"{prefix}{' '.join(str(o.get('description', '')).split()[:12])}"
                              for o in chosen)
            (root / "help" / f"list-{n}.md").write_text(
                f"---\ntitle: \"{prefix}Filter {n}\"\n---\n{items}\n")


def timed(command: list[str], output: Path, keep_state: bool = False,
          cache: Path | None = None) -> dict[str, Any]:
    """One clean build as a new process: wall and CPU time (children included). With
    `keep_state`, Haven's state beside the site stays, as `haven build --clean` keeps it; with
    `cache`, the process is given that folder, emptied first, as its cache folder (a hub's
    first build on a new machine: no compiled templates, parsed files or catalogs, no kept
    dates or names)."""
    state = output.parent / f".haven-state-{output.name}"
    for folder in (output, output.parent / f".haven-spare-{output.name}",
                   *([] if keep_state else [state]), *([cache] if cache else [])):
        if folder.exists():
            shutil.rmtree(folder)
    os.sync()
    env = None if cache is None else os.environ | {"XDG_CACHE_HOME": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    written = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    return {"wall": wall, "cpu": user + system, "user": user, "system": system,
            "pages": html_pages(output), "bytes": written}


def compile_haven() -> None:
    """Haven's modules compiled to bytecode, as pip does when it installs a package and as
    Python does the first time it imports one: where PYTHONDONTWRITEBYTECODE is set (this
    machine sets it) and Haven is installed editable, each run would otherwise compile its
    source again, in the main process and in the content reader (about 0.1 s of CPU)."""
    import compileall

    import haven

    compileall.compile_dir(Path(haven.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="pairs of builds (A B A B …)")
    parser.add_argument("--hugo", default="/usr/bin/hugo")
    parser.add_argument("--keep", type=Path, help="generate everything here, and keep it")
    parser.add_argument("--no-cache", action="store_true",
                        help="a hub's first build: delete Haven's state beside the site (its "
                             "checks) and give it an empty cache folder, before each build")
    parser.add_argument("--output-dir", type=Path,
                        help="write both sites here (/dev/shm: both without the disk)")
    args = parser.parse_args()
    if not Path(args.hugo).is_file():
        raise SystemExit(f"no Hugo at {args.hugo}: install Debian's package 'hugo'")
    root = args.keep or Path(tempfile.mkdtemp(prefix="haven-hugo-"))
    hub, hugo_site = root / "hub", root / "hugo"
    out = root if args.output_dir is None else Path(tempfile.mkdtemp(dir=args.output_dir))
    haven_out, hugo_out = out / "out-haven", out / "out-hugo"
    try:
        make_hub(hub, args.languages, args.organizations)
        compile_haven()
        haven = str(Path(sys.executable).with_name("haven"))
        haven_command = [haven, "build", str(hub), "--output", str(haven_out), "--no-pdf", "--clean"]
        first = timed(haven_command, haven_out)  # also warms the template cache
        per_language = round(first["pages"] / args.languages)
        make_hugo_site(hub, hugo_site, per_language)
        hugo_command = [args.hugo, "--quiet", "--source", str(hugo_site), "--destination",
                        str(hugo_out)]
        timed(hugo_command, hugo_out)  # warm-up, as for Haven
        version = subprocess.run([args.hugo, "version"], capture_output=True, text=True,
                                 check=True).stdout
        print(f"{version.strip()}\nhub: {args.languages} languages × {args.organizations} "
              f"organizations; load average {os.getloadavg()[0]:.1f}")
        runs: dict[str, list[dict[str, Any]]] = {"haven": [], "hugo": []}
        for run in range(args.runs):
            for name, command, output in (("haven", haven_command, haven_out),
                                          ("hugo", hugo_command, hugo_out)):
                cold = name == "haven" and args.no_cache
                result = timed(command, output, keep_state=not cold,
                               cache=out / "empty-cache" if cold else None)
                runs[name].append(result)
                print(f"  run {run + 1} {name:5}: {result['wall']:6.2f} s wall, "
                      f"{result['cpu']:6.2f} s CPU ({result['user']:5.2f} user, "
                      f"{result['system']:5.2f} system), {result['pages']:5} pages, "
                      f"{result['wall'] / result['pages'] * 1000:6.3f} ms/page")
        medians = {name: {key: statistics.median(r[key] for r in results)
                          for key in ("wall", "cpu", "user", "system", "pages", "bytes")}
                   for name, results in runs.items()}
        for name, m in medians.items():
            print(f"median {name:5}: {m['wall']:6.2f} s wall, {m['cpu']:6.2f} s CPU "
                  f"({m['user']:.2f} user, {m['system']:.2f} system), {m['pages']:.0f} pages, "
                  f"{m['bytes'] / 1e6:.1f} MB written")
        haven_m, hugo_m = medians["haven"], medians["hugo"]
        wall_ratio = (haven_m["wall"] / haven_m["pages"]) / (hugo_m["wall"] / hugo_m["pages"])
        cpu_ratio = (haven_m["cpu"] / haven_m["pages"]) / (hugo_m["cpu"] / hugo_m["pages"])
        pairs = [(h["wall"] / h["pages"]) / (g["wall"] / g["pages"])
                 for h, g in zip(runs["haven"], runs["hugo"], strict=True)]
        print(f"per page, Haven/Hugo: wall {wall_ratio:.2f}×, CPU {cpu_ratio:.2f}× "
              f"(each pair's wall ratio: {', '.join(f'{p:.2f}' for p in pairs)}); "
              f"target ≤ 1.00×: {'met' if wall_ratio <= 1 else 'NOT met'}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
        if args.output_dir is not None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
