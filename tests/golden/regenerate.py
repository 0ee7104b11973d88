"""Regenerate the golden copy of the Hartford hub: `python tests/golden/regenerate.py`.

Run it after an intended change to templates or example content, then review `git diff`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
GOLDEN = HERE / "hartford"
PATTERNS = ("index.html", "assets/*", "en/**/*.html", "es/**/*.html", "en/search-index.js",
            "ar/index.html", "ar/superintendent-letter/index.html", "so/index.html",
            "sw.js", "offline/es.json")


def selected(site: Path) -> dict[str, bytes]:
    """The files of a built site that the golden copy keeps."""
    files: dict[str, bytes] = {}
    for pattern in PATTERNS:
        for path in sorted(site.glob(pattern)):
            if path.is_file():
                files[path.relative_to(site).as_posix()] = path.read_bytes()
    return files


def main() -> int:
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from haven.build import build
    from haven.example import example_content

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(example_content(), site, pdf=False)
        files = selected(site)
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in files.items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"Wrote {len(files)} golden files into {GOLDEN}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
