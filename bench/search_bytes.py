"""How many bytes a typical search costs a reader: Haven's own index against Pagefind.

    python bench/search_bytes.py [--hub hartford|synthetic|both] [--languages 20] [--organizations 100]

Builds the Hartford example and the synthetic hub (bench/make_synthetic_hub.py), serves each
on 127.0.0.1 and, in Debian's Chromium (driven by Playwright), runs typical queries on a
language's help page, each in a fresh browser (nothing cached), recording every request the
search makes:

- **Haven**: `assets/find.js` (the search code, loaded with the page) and the language's
  `search-index.js` (loaded when the search box is first used);
- **Pagefind**, when the `pagefind` package is installed (`pip install 'pagefind[extended]'`,
  with its binary): `pagefind` is run over a copy of the built site, then its JavaScript API
  is loaded on the same page and searches; the results' first five fragments are loaded, as
  its default interface shows five. Its code is counted as the JavaScript and WebAssembly
  it loads, its index as the entry, metadata, index and filter chunks. Without the package
  its column is skipped, with a message.

Bytes are counted as a server sends them: each file gzip-compressed (level 6, the usual
default) unless it is already compressed (Pagefind's chunks and WebAssembly are), whichever
is smaller. The page itself and its stylesheet are not counted: the reader already has them.
Pagefind runs with the page's Content-Security-Policy turned off: first the script checks
whether it works under Haven's policy, and says so.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUDGET = 50 * 1024
"""A typical query, code included, should cost less than this."""
FRAGMENTS = 5
"""Pagefind results whose fragment (title, excerpt) is loaded: its interface shows five."""

# Typical queries: (language, query, what it is). Each hub adds its phone number.
HARTFORD_QUERIES = [
    ("en", "lawyer", "an English word"),
    ("es", "abogado", "a Spanish word"),
    ("en", "legal help", "a topic, English"),
    ("es", "ayuda legal", "a topic, Spanish"),
    ("zh-Hans", "司法部", "Chinese (no spaces)"),
    ("ar", "مجاني", "Arabic: free"),
    ("my", "အခမဲ့", "Burmese: free"),
]
SYNTHETIC_QUERIES = [
    ("en", "lawyer", "an English word"),
    ("es", "abogado", "a Spanish word"),
    ("en", "legal help", "a topic, English"),
    ("es", "legal", "a topic, Spanish"),
    ("zh-Hans", "西班牙", "Chinese: Spanish"),
    ("ar", "الإسبانية", "Arabic: Spanish"),
    ("my", "စပိန်", "Burmese: Spanish"),
]

OWN_SEARCH = """async query => {
  const input = document.querySelector('#find-q');
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event('input'));
  const status = document.querySelector('.find .count');
  for (let i = 0; i < 200 && !status.textContent.trim(); i++)
    await new Promise(r => setTimeout(r, 25));
  return {n: document.querySelectorAll('.found > li').length,
          top: (document.querySelector('.found > li a') || {}).textContent || ''};
}"""

PAGEFIND_SEARCH = """async ([query, fragments]) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, fragments).map(r => r.data()));
  return {n: search.results.length, top: data.length ? data[0].meta.title || data[0].url : ''};
}"""


@dataclass
class Measure:
    hub: str
    lang: str
    query: str
    what: str
    candidate: str
    results: int = 0
    top: str = ""
    parts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def sent(path: Path) -> int:
    """Bytes a server sends for a file: gzip-compressed unless that does not make it smaller."""
    data = path.read_bytes()
    return min(len(data), len(gzip.compress(data, 6)))


def own_part(name: str) -> str:
    return "code" if name.endswith("find.js") else "index"


def pagefind_part(name: str) -> str:
    if name.endswith(".pf_fragment"):
        return "fragments"
    if name.endswith(".js") or "/wasm." in name:
        return "code"
    return "index"


@contextmanager
def served(site: Path) -> Iterator[str]:
    from haven.serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def run_query(browser: Any, origin: str, site: Path, measure: Measure, script: str,
              argument: Any, part: Any, bypass_csp: bool, preloaded: list[str]) -> None:
    context = browser.new_context(bypass_csp=bypass_csp)
    try:
        page = context.new_page()
        page.goto(f"{origin}/{measure.lang}/help/", wait_until="load")
        requested: list[str] = []
        page.on("requestfinished", lambda request: requested.append(request.url))
        result = page.evaluate(script, argument)
        page.wait_for_timeout(50)
        measure.results, measure.top = int(result["n"]), str(result["top"])
        for url in preloaded + requested:
            if not url.startswith(origin):
                raise SystemExit(f"a search asked another host: {url}")
            name = unquote(urlsplit(url).path).lstrip("/")
            if name and (site / name).is_file() and name not in measure.files:
                measure.files.append(name)
                key = part(name)
                measure.parts[key] = measure.parts.get(key, 0) + sent(site / name)
    except Exception as exc:  # noqa: BLE001 — reported in the table, the others still run
        measure.error = str(exc).splitlines()[0][:120]
    finally:
        context.close()


def pagefind_available() -> str:
    """The version of the pagefind package with its binary, or "" when it is not installed."""
    try:
        done = subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                              capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def index_with_pagefind(site: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(target), "--quiet"],
                   check=True, capture_output=True, timeout=600)


def csp_check(browser: Any, site: Path) -> str:
    """Whether Pagefind can search under Haven's policy, as a host applying `_headers` sends it."""
    from haven.privacy.server import serving

    with serving(site) as origin:
        context = browser.new_context()
        page = context.new_page()
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        try:
            page.goto(f"{origin}/en/help/")
            found = page.evaluate(PAGEFIND_SEARCH, ["help", 1])
            if refused or not found["n"]:
                return "blocked by Haven's policy: " + (refused[0][:200] if refused else "no result")
            return "works under Haven's policy"
        except Exception as exc:  # noqa: BLE001 — the refusal is the answer
            return "blocked by Haven's policy: " + (refused[0] if refused else str(exc)).splitlines()[0][:200]
        finally:
            context.close()


def build_hubs(which: str, tmp: Path, languages: int, organizations: int) -> list[tuple[str, Path, Path]]:
    from haven.build import build
    from haven.example import example_content

    hubs = []
    if which in ("hartford", "both"):
        hubs.append(("hartford", example_content()))
    if which in ("synthetic", "both"):
        sys.path.insert(0, str(HERE))
        from make_synthetic_hub import make_hub

        content = tmp / "synthetic-content"
        make_hub(content, languages, organizations)
        hubs.append((f"synthetic {languages}×{organizations}", content))
    built = []
    for name, content in hubs:
        site = tmp / name.split()[0] / "site"
        report = build(content, site, pdf=False)
        print(f"built {name}: {report.total_pages:,} pages, {report.seconds:.1f} s")
        built.append((name, content, site))
    return built


def queries_for(name: str, content: Path) -> list[tuple[str, str, str]]:
    from haven.content.load import load
    from haven.content.validate import validate

    hub = validate(load(content))
    queries = list(HARTFORD_QUERIES if name == "hartford" else SYNTHETIC_QUERIES)
    phones = [p.number for o in hub.organizations for p in o.phones] or [hub.hub.phone]
    digits = "".join(c for c in phones[0] if c.isdigit())[-7:]
    queries.insert(2, ("en", f"{digits[:3]}-{digits[3:]}", "a phone number's digits"))
    served = {e.tag for e in hub.hub.languages}
    return [q for q in queries if q[0] in served]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", choices=["hartford", "synthetic", "both"], default="both")
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--organizations", type=int, default=100)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit("this benchmark needs Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    from haven.render.assets import asset_path

    version = pagefind_available()
    if not version:
        print("Pagefind is not installed: its column is skipped. To measure it too: "
              "pip install 'pagefind[extended]'")
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="haven-search-") as folder:
        tmp = Path(folder)
        hubs = build_hubs(args.hub, tmp, args.languages, args.organizations)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, content, site in hubs:
                    queries = queries_for(name, content)
                    with served(site) as origin:
                        for lang, query, what in queries:
                            m = Measure(name, lang, query, what, "Haven")
                            run_query(browser, origin, site, m, OWN_SEARCH, query, own_part,
                                      False, [f"{origin}/{asset_path('find.js')}"])
                            measures.append(m)
                    if not version:
                        continue
                    indexed = site.parent / "site-pagefind"
                    index_with_pagefind(site, indexed)
                    print(f"Pagefind ({version}) on {name}: {csp_check(browser, indexed)}")
                    with served(indexed) as origin:
                        for lang, query, what in queries:
                            m = Measure(name, lang, query, what, "Pagefind")
                            run_query(browser, origin, indexed, m, PAGEFIND_SEARCH,
                                      [query, FRAGMENTS], pagefind_part, True, [])
                            measures.append(m)
            finally:
                browser.close()
    report(measures)


def report(measures: list[Measure]) -> None:
    print()
    print(f"{'hub':<20} {'lang':<8} {'query':<14} {'candidate':<9} {'results':>7} "
          f"{'code':>8} {'index':>8} {'fragm.':>8} {'total':>8}")
    for m in measures:
        if m.error:
            print(f"{m.hub:<20} {m.lang:<8} {m.query:<14} {m.candidate:<9} error: {m.error}")
            continue
        print(f"{m.hub:<20} {m.lang:<8} {m.query:<14} {m.candidate:<9} {m.results:>7} "
              f"{m.parts.get('code', 0):>8,} {m.parts.get('index', 0):>8,} "
              f"{m.parts.get('fragments', 0):>8,} {m.total:>8,}")
    print()
    for hub in dict.fromkeys(m.hub for m in measures):
        for candidate in ("Haven", "Pagefind"):
            done = [m for m in measures if m.hub == hub and m.candidate == candidate and not m.error]
            if not done:
                continue
            median = statistics.median(m.total for m in done)
            worst = max(m.total for m in done)
            verdict = "under" if worst < BUDGET else "OVER"
            print(f"{hub}, {candidate}: median {median:,.0f} bytes per query, largest {worst:,} "
                  f"({verdict} the {BUDGET // 1024} KB budget)")


if __name__ == "__main__":
    main()
