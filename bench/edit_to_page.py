"""How long from saving one organization's file to its English page on disk (issue 14).

    python bench/edit_to_page.py [--languages 20] [--organizations 100] [--runs 5] [--keep DIR]

It generates the synthetic hub (bench/make_synthetic_hub.py), builds it once in full, then
edits one organization's description `--runs` times, each time measuring from just before
the file is written to when the organization's English page on disk holds the new text:

- **fresh process**: `haven build HUB --output SITE --no-pdf` run as a new process after the
  save, as a person or an editor's save hook runs it (Python's start-up and imports included);
- **running process**: `haven.build.build()` called in this process, its modules imported
  and its caches warm, as `haven serve` calls it after noticing a change (the watcher's
  polling interval, half a second, is not counted: this is Haven's own part).

Targets: median ≤ 300 ms fresh, ≤ 100 ms running. Each build is incremental (only the pages
that used what changed are rendered again); the script checks that the page changed and
prints how many pages each build rendered.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_FRESH_MS, TARGET_RUNNING_MS = 300, 100


def make_hub(root: Path, languages: int, organizations: int) -> None:
    spec = importlib.util.spec_from_file_location("make_synthetic_hub", HERE / "make_synthetic_hub.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.make_hub(root, languages, organizations)


def edit(org: Path, word: str) -> None:
    """Put `word` at the start of the organization's description, and save (as an editor does:
    a new file renamed over the old one)."""
    text = org.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for n, line in enumerate(lines):
        if line.startswith("description: "):
            rest = line[len("description: "):]
            if rest.split(" ", 1)[0].startswith("Edit"):
                rest = rest.split(" ", 1)[1]
            lines[n] = f"description: {word} {rest}"
            break
    temporary = org.with_suffix(".tmp")
    temporary.write_text("".join(lines), encoding="utf-8")
    os.replace(temporary, org)


def page_says(page: Path, word: str) -> bool:
    try:
        return word.encode() in page.read_bytes()
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the hub and site here, and keep them")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="haven-edit-"))
    hub, site = root / "hub", root / "site"
    try:
        make_hub(hub, args.languages, args.organizations)
        org = sorted((hub / "directory").glob("*.yaml"))[len(list((hub / "directory").glob("*.yaml"))) // 2]
        org_id = org.stem
        page = site / "en" / "help" / "org" / org_id / "index.html"
        haven = Path(sys.executable).with_name("haven")
        command = [str(haven), "build", str(hub), "--output", str(site), "--no-pdf"]
        subprocess.run([*command, "--clean"], check=True, capture_output=True)
        print(f"hub: {args.languages} languages × {args.organizations} organizations; "
              f"editing {org.relative_to(hub)}; load average {os.getloadavg()[0]:.1f}")

        fresh: list[float] = []
        for run in range(args.runs):
            word = f"Editfresh{run}"
            os.sync()
            started = time.perf_counter()
            edit(org, word)
            subprocess.run(command, check=True, capture_output=True)
            elapsed = (time.perf_counter() - started) * 1000
            assert page_says(page, word), "the page did not change"
            fresh.append(elapsed)
            print(f"  fresh process, run {run + 1}: {elapsed:7.0f} ms")

        from haven.build import build

        build(hub, site, pdf=False)  # imports and caches warm, as in a running preview
        running: list[float] = []
        for run in range(args.runs):
            word = f"Editrunning{run}"
            os.sync()
            started = time.perf_counter()
            edit(org, word)
            report = build(hub, site, pdf=False)
            elapsed = (time.perf_counter() - started) * 1000
            assert page_says(page, word), "the page did not change"
            running.append(elapsed)
            remade = "every" if report.remade is None else len(report.remade)
            print(f"  running process, run {run + 1}: {elapsed:7.0f} ms ({remade} pages rendered)")

        fresh_ms, running_ms = statistics.median(fresh), statistics.median(running)
        print(f"median, fresh process:   {fresh_ms:7.0f} ms (target {TARGET_FRESH_MS} ms: "
              f"{'met' if fresh_ms <= TARGET_FRESH_MS else 'NOT met'})")
        print(f"median, running process: {running_ms:7.0f} ms (target {TARGET_RUNNING_MS} ms: "
              f"{'met' if running_ms <= TARGET_RUNNING_MS else 'NOT met'})")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
