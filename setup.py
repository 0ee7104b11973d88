"""Build hook: the staff guides in docs/ ship inside the package as haven/docs/.

The installed tool points staff to them (`haven init`, the starter hub.yaml), so a wheel
without them would point nowhere. docs/ stays the one place they are edited.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithDocs(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads docs/ in the checkout itself
            return
        target = Path(self.build_lib) / "haven" / "docs"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((ROOT / "docs").glob("*.md")):
            shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildWithDocs})
