"""How long `haven edit` takes to check a changed file as you type, and to write it.

Run: python bench/editor_check.py  (on a copy of the bundled Hartford example)
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from haven.editor.files import Source, apply_form
from haven.editor.forms import record_model
from haven.editor.validation import check
from haven.example import example_content


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "hub"
        shutil.copytree(example_content(), root)
        file = "directory/hps-welcome-center.yaml"
        model = record_model(file, ())
        assert model is not None
        times = []
        for n in range(20):
            started = time.perf_counter()
            source = Source(root, file)
            apply_form(model, source.data, {"phones.0.number": f"860-695-84{n:02d}"})
            problems = check(root, {file: source.dump()})
            times.append(time.perf_counter() - started)
            assert not problems, problems
        print(f"check as you type ({file}): median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {len(times)} runs")


if __name__ == "__main__":
    main()
