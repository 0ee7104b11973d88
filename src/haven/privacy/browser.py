"""The browser the privacy crawl drives: an installed Chromium, Chrome or Edge (Playwright
never downloads one), and the Playwright package, which is the optional extra
`haven-hub[privacy]`.

Order: `HAVEN_CHROMIUM` (a program path, for anything unusual), then Debian's or another
Chromium on PATH, then Google Chrome and Microsoft Edge where Windows and macOS install
them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from haven.errors import HavenError

ENV = "HAVEN_CHROMIUM"

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
         "microsoft-edge", "microsoft-edge-stable", "msedge")
"""Program names looked up on PATH."""


def _known_paths() -> list[Path]:
    paths = [Path("/usr/bin/chromium"),
             Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
             Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
             Path("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")]
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        base = os.environ.get(variable)
        if base:
            paths += [Path(base) / "Google" / "Chrome" / "Application" / "chrome.exe",
                      Path(base) / "Microsoft" / "Edge" / "Application" / "msedge.exe",
                      Path(base) / "Chromium" / "Application" / "chrome.exe"]
    return paths


def find_browser() -> str:
    """The browser program to drive, or a HavenError that says how to get one."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen:
        if Path(chosen).is_file() or shutil.which(chosen):
            return shutil.which(chosen) or chosen
        raise HavenError(f"{ENV} is set to {chosen!r}, which is not a program on this "
                         "computer — set it to the full path of Chromium, Chrome or Edge, "
                         f"or unset it to let Haven look for one")
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in _known_paths():
        if path.is_file():
            return str(path)
    raise HavenError("the privacy check needs Chromium, Google Chrome or Microsoft Edge, and "
                     "none was found — install one (Debian: apt-get install chromium), or set "
                     f"{ENV} to the full path of the browser's program")


PRIVACY_EXTRA = (
    "the privacy check needs Playwright, which is not installed — it is the optional part "
    "haven-hub[privacy]: install Haven with it, as in pipx install 'haven-hub[privacy]', "
    "uv tool install 'haven-hub[privacy]' or pip install 'haven-hub[privacy]' (add "
    "--force to pipx or uv if Haven is already installed). No browser is downloaded: "
    "Haven drives the Chromium, Chrome or Edge on this computer"
)


def require_playwright() -> None:
    """Refuse, with how to install it, when the privacy extra is missing."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise HavenError(PRIVACY_EXTRA) from None


def browser_for_privacy() -> str:
    """Playwright and a browser, both checked before any work starts."""
    require_playwright()
    return find_browser()
