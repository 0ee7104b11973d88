"""Golden output: the Hartford hub, byte for byte, against tests/golden/hartford.

After an intended change: `python tests/golden/regenerate.py`, then review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from haven.build import build
from haven.example import example_content
from tests.golden.regenerate import GOLDEN, selected


def test_hartford_hub_matches_golden_output(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(example_content(), site, pdf=False)
    built = selected(site)
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert len(golden) > 40
    assert sorted(built) == sorted(golden), "pages were added or removed: regenerate the golden copy"
    for name in sorted(golden):
        if built[name] != golden[name]:
            diff = "\n".join(difflib.unified_diff(
                golden[name].decode().splitlines(), built[name].decode().splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2))
            raise AssertionError(f"{name} differs from the golden copy "
                                 f"(python tests/golden/regenerate.py if intended):\n{diff[:4000]}")
