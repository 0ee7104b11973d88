"""How long `haven translate import` takes for one very long translation (issue 16).

Babel wraps every line of a PO file it writes with an algorithm whose time grows with the
square of a string's length: one 80 KB msgstr took 36–171 s to import and 20 MB never
finished. Haven now writes long strings itself, in linear time, and refuses a msgstr longer
than haven.i18n.catalog.MAX_TEXT characters.

    python bench/po_import.py                       # 80 KB, 1 MB, and 20 MB (refused)
    python bench/po_import.py --sizes 80000 400000   # other sizes, in characters
    python bench/po_import.py --timeout 300          # give up on one import after 300 s

Each size runs `haven translate import` in a fresh process on a fresh starter hub whose
Spanish export has one paragraph translated with a msgstr of that many characters (words of
Spanish-looking prose with spaces, as a translator would send).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEGMENT = "document:welcome:body.0"
KINDS = ("prose", "cjk", "lines")
"""Spanish-looking prose (words and spaces), Chinese (no spaces), and prose in short lines."""
CJK = "家庭权利学校帮助律师免费电话口译语言文件计划紧急联系信息"
WORDS = ["derechos", "familia", "escuela", "ayuda", "abogado", "gratuita", "llamada",
         "intérprete", "idioma", "documentos", "plan", "emergencia", "contacto", "información"]


def haven(*args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from haven.cli import main; main()", *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


def long_text(size: int, kind: str = "prose") -> str:
    if kind == "cjk":
        return (CJK * (size // len(CJK) + 1))[:size]
    if kind == "lines":
        return "\n".join(long_text(size, "prose")[i:i + 60] for i in range(0, size, 61))[:size]
    words: list[str] = []
    length = 0
    index = 0
    while length < size:
        word = WORDS[index % len(WORDS)]
        words.append(word)
        length += len(word) + 1
        index += 1
    return " ".join(words)[:size]


def with_msgstr(po: str, context: str, text: str) -> str:
    """The exported PO `po` with the msgstr of `context` set to `text` (one long line)."""
    lines = po.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        if line == f'msgctxt "{context}"':
            index += 1
            while not lines[index].startswith("msgstr "):
                out.append(lines[index])
                index += 1
            escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            out.append(f'msgstr "{escaped}"')
            index += 1
            while index < len(lines) and lines[index].startswith('"'):
                index += 1
            continue
        index += 1
    return "\n".join(out)


def run(size: int, kind: str, timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="haven-po-bench-") as tmp:
        hub = Path(tmp) / "hub"
        for args in (["init", str(hub)], ["translate", "update", str(hub)],
                     ["translate", "export", "es", str(hub), "-o", f"{tmp}/es.po"]):
            done = haven(*args)
            if done.returncode:
                raise SystemExit(done.stdout + done.stderr)
        export = Path(tmp) / "es.po"
        export.write_text(with_msgstr(export.read_text(encoding="utf-8"), SEGMENT,
                                      long_text(size, kind)), encoding="utf-8")
        started = time.perf_counter()
        try:
            done = haven("translate", "import", str(export), str(hub), timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"{size:>12,} chars of {kind}: did not finish within {timeout:.0f} s"
        took = time.perf_counter() - started
        said = (done.stdout + done.stderr).strip().splitlines()
        outcome = "imported" if done.returncode == 0 else "refused"
        catalog = hub / "translations" / "es.po"
        kept = catalog.stat().st_size if catalog.exists() else 0
        last = next((line[:110] for line in reversed(said) if line.strip("─┴└┘ ")), "")
        return (f"{size:>12,} chars of {kind}: {outcome} in {took:7.2f} s (exit {done.returncode}, "
                f"catalog {kept:,} bytes) — {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[80_000, 1_000_000, 20_000_000])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    for size in args.sizes:
        for kind in args.kinds:
            print(run(size, kind, args.timeout), flush=True)


if __name__ == "__main__":
    main()
