"""Where the hub is, and where Haven may write.

Every command finds its hub the way git and MkDocs find theirs: the folder named, else the
nearest folder upwards holding a `hub.yaml`. Only `build` and `serve` fall back to the bundled
example, and say so first. Nothing writes into the installed package (the bundled example,
the starter hub) unless HAVEN_ALLOW_PACKAGE_WRITES=1, which only Haven's own maintainers need.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from haven.errors import HavenError
from haven.example import example_content

HUB_FILE = "hub.yaml"
ALLOW_PACKAGE_WRITES = "HAVEN_ALLOW_PACKAGE_WRITES"
SITE = "site"
"""The default output folder of `build` and `serve`, beside hub.yaml."""

EXAMPLE_NOTICE = ("No hub.yaml here or in any folder above: {doing} the bundled Hartford "
                  "example. Make your own with 'haven init FOLDER'.")


@dataclass(frozen=True)
class Hub:
    """A hub folder, as a person would type it from the current folder."""

    root: Path
    bundled: bool = False
    """The bundled example, used because no hub was named or found."""

    def output(self, name: str = SITE) -> Path:
        """A default output folder: beside hub.yaml, or in the current folder for the
        bundled example (never inside the installed package)."""
        return Path(name) if self.bundled else self.root / name

    def words(self) -> list[str]:
        """The hub folder as a command's argument; none for the bundled example."""
        return [] if self.bundled else [str(self.root)]


def find_hub(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the current folder) upwards with a hub.yaml,
    as a path relative to the current folder ('.', '..', …) when it is one of its parents."""
    here = Path.cwd()
    folder = (start or here).absolute()
    for candidate in (folder, *folder.parents):
        if (candidate / HUB_FILE).is_file():
            if candidate == here or candidate in here.parents:
                return Path(os.path.relpath(candidate, here))
            return candidate
    return None


def locate(named: Path | None, command: str) -> Hub:
    """The hub of a command that needs one: the folder named, else the nearest one upwards."""
    if named is not None:
        return Hub(named)
    found = find_hub()
    if found is None:
        raise HavenError(
            f"no hub.yaml in {Path.cwd()} or any folder above — name the hub folder "
            f"({hint(*command.split(), 'FOLDER')}), or start one with \"haven init FOLDER\"")
    return Hub(found)


def locate_or_example(named: Path | None) -> Hub:
    """The hub for build and serve: as `locate`, but the bundled example when there is none.
    The caller prints `example_notice` first when the result is `bundled`."""
    if named is not None:
        return Hub(named)
    found = find_hub()
    return Hub(found) if found is not None else Hub(example_content(), bundled=True)


def example_notice(doing: str) -> str:
    """The first line printed when the bundled example is used ("building", "previewing")."""
    return EXAMPLE_NOTICE.format(doing=doing)


def package_dir() -> Path:
    """The installed `haven` package (the source tree, for an editable install)."""
    return Path(__file__).resolve().parent


def inside_package(path: Path) -> bool:
    return path.resolve().is_relative_to(package_dir())


def refuse_package_writes(path: Path, what: str) -> None:
    """Refuse to write `what` into `path` when it is inside the installed package: an update
    of Haven would replace it, and a shared install would change for everyone."""
    if os.environ.get(ALLOW_PACKAGE_WRITES) == "1" or not inside_package(path):
        return
    raise HavenError(
        f"{path} is inside Haven's installed package (the bundled example), so {what} would "
        "be written where the next update of Haven replaces it — make a hub of your own with "
        "'haven init FOLDER' and name it, or run this from inside your hub's folder")


def shell(*words: str | Path) -> str:
    """`haven WORDS…`, each word quoted for the shell, so copying the hint does what it says."""
    return " ".join(["haven", *(shlex.quote(str(word)) for word in words)])


def hint(*words: str | Path) -> str:
    """`shell(WORDS…)` in double quotes, as git writes its hints: a folder quoted for the
    shell ('my hub') reads clearly inside them."""
    return f'"{shell(*words)}"'


def output_words(output: Path, default: Path) -> list[str]:
    """`-o OUTPUT` for a hint, when the output is not the default one."""
    same = os.path.abspath(output) == os.path.abspath(default)
    return [] if same else ["-o", str(output)]
