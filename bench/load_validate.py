"""How long the first two steps of a build (load, validate) take after saving one
organization's file, in a process that loaded the folder before (issue 14).

    python bench/load_validate.py [--languages 20] [--organizations 100] [--runs 7] [--keep DIR]

It generates the synthetic hub (bench/make_synthetic_hub.py), then measures
`validate(load(hub))` with `time.perf_counter`:

- **cold**: with the memo of earlier loads cleared, as in the first build of a process (the
  modules are imported already);
- **warm after an edit**: after `bench/edit_to_page.py`'s edit of one organization's
  description, in a process that loaded and validated the folder before, as `haven serve`
  and the editor's preview rebuild after a save.

Target: median ≤ 20 ms warm. The script checks that the warm result holds the edit and
equals a cold run's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from edit_to_page import edit  # bench/, the script's own folder
from make_synthetic_hub import make_hub

TARGET_WARM_MS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate the hub here, and keep it")
    args = parser.parse_args()

    from haven.content import load as load_module
    from haven.content import validate as validate_module
    from haven.content.load import load
    from haven.content.validate import Content, validate

    def forget() -> None:  # code from before the memo (PYTHONPATH=old/src) has none to clear
        for module in (load_module, validate_module):
            getattr(module, "clear_memo", lambda: None)()

    def timed(root: Path) -> tuple[float, Content]:
        start = time.perf_counter()
        content = validate(load(root))
        return (time.perf_counter() - start) * 1000, content

    def dumped(content: Content) -> list[object]:
        return [content.hub.model_dump(), [o.model_dump() for o in content.organizations],
                [(d.meta.model_dump(), d.body) for d in content.documents],
                content.origins, content.warnings]

    work = args.keep or Path(tempfile.mkdtemp(prefix="haven-load-"))
    hub = work / "hub"
    try:
        make_hub(hub, args.languages, args.organizations)
        orgs = sorted((hub / "directory").glob("*.yaml"))
        org = orgs[len(orgs) // 2]

        cold = []
        for _ in range(args.runs):
            forget()
            cold.append(timed(hub)[0])

        forget()
        timed(hub)
        warm = []
        for run in range(args.runs):
            word = f"Edit{run}"
            edit(org, word)
            elapsed, content = timed(hub)
            warm.append(elapsed)
            assert any((o.description or "").startswith(f"{word} ") for o in content.organizations), \
                "the edit is not in the warm result"
        forget()
        assert dumped(content) == dumped(timed(hub)[1]), "warm and cold results differ"

        print(f"hub: {args.languages} languages, {args.organizations} organizations; "
              f"edited {org.relative_to(hub)}; {args.runs} runs")
        print(f"cold (memo cleared):   median {statistics.median(cold):6.1f} ms  "
              f"(min {min(cold):.1f}, max {max(cold):.1f})")
        print(f"warm after an edit:    median {statistics.median(warm):6.1f} ms  "
              f"(min {min(warm):.1f}, max {max(warm):.1f})  target ≤ {TARGET_WARM_MS} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
