#!/usr/bin/env bash
# Install what Haven's tests need and run them.
#
#   bash scripts/test.sh            # the whole suite
#   bash scripts/test.sh -k build   # any arguments go to pytest
#
# Works on a fresh Debian (bookworm) machine with python3 (3.11 or newer) and bash.
# Run it as root, or as a user who can use sudo. Safe to run again.
#
# Browser tests use Debian's chromium (/usr/bin/chromium) through Playwright's
# executable_path. Never run `playwright install`: no browser is downloaded.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"

# System packages the tests need:
#   chromium                   the browser for accessibility and no-JavaScript tests
#   fonts-liberation           a small font set so headless chromium renders text (Arial metrics)
#   fonts-noto-core, -cjk      real glyphs for every script (right-to-left screenshots, chooser)
#   gettext                    msgfmt, to check that generated PO catalogs compile
#   nginx-light                Debian's nginx, to serve the hub with its _hosting/nginx.conf (test_hosting)
#   poppler-utils              pdftotext, pdftoppm and pdffonts, to read the printed PDFs back
#   python3-venv, python3-pip  the virtual environment
APT_PACKAGES=(chromium nginx-light fonts-liberation fonts-noto-core fonts-noto-cjk gettext poppler-utils python3-venv python3-pip)

say() { printf '==> %s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    fail "Installing system packages needs root. Run this script as root, or install sudo."
  fi
}

install_system_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: not a Debian-like system, skipping system packages."
    say "Make sure these are installed yourself: ${APT_PACKAGES[*]}"
    return 0
  fi
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "System packages already installed: $*"
    return 0
  fi
  say "Installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

venv_is_usable() {
  [ -x "$VENV/bin/python" ] \
    && "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null \
    && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

ensure_venv() {
  if venv_is_usable; then
    say "Reusing the virtual environment in .venv"
    return 0
  fi
  if [ -e "$VENV" ]; then
    say "The virtual environment in .venv is broken or too old; recreating it."
    rm -rf "$VENV"
  fi
  say "Creating a virtual environment in .venv"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    fail "'$PYTHON -m venv' failed. On Debian install python3-venv (apt-get install python3-venv) and run this script again."
  fi
  venv_is_usable || fail "The new virtual environment in .venv has no working pip."
}

command -v "$PYTHON" >/dev/null 2>&1 || fail "python3 not found. Install Python 3.11 or newer (apt-get install python3)."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || fail "Haven needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')."

install_system_packages "${APT_PACKAGES[@]}"

# A .venv made before Haven's distribution was named haven-hub holds the old "haven" and the
# full "phonenumbers" (phonenumberslite replaces it; both install the same module): remove
# them first, so that the two never overwrite each other's files.
remove_old_distributions() {
  local old=()
  "$VENV/bin/python" -m pip show haven >/dev/null 2>&1 && old+=(haven)
  "$VENV/bin/python" -m pip show phonenumbers >/dev/null 2>&1 && old+=(phonenumbers phonenumberslite)
  rm -rf "$REPO_ROOT/src/haven.egg-info"
  if [ "${#old[@]}" -gt 0 ]; then
    say "Removing what earlier versions installed: ${old[*]}"
    "$VENV/bin/python" -m pip uninstall --disable-pip-version-check --quiet -y "${old[@]}" || true
  fi
}

ensure_venv
remove_old_distributions
say "Installing Haven with its test extras into .venv (pip install -e '.[test]')"
# The playwright Python package is installed; its browser download is not used.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -e '.[test]'

# axe-core for the accessibility tests, from the lock file in tests/a11y (no browser download).
command -v npm >/dev/null 2>&1 || install_system_packages nodejs npm
say "Installing axe-core for the accessibility tests (npm ci --prefix tests/a11y)"
npm ci --prefix "$REPO_ROOT/tests/a11y" --no-audit --no-fund --loglevel=error

if [ -x /usr/bin/chromium ]; then
  say "Browser tests will use $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
else
  printf '!!! chromium is missing: /usr/bin/chromium not found. Browser tests cannot run.\n' >&2
  printf '!!! Install it with: apt-get install chromium\n' >&2
fi
command -v msgfmt >/dev/null 2>&1 \
  || printf '!!! msgfmt is missing: install it with: apt-get install gettext\n' >&2
[ -x /usr/sbin/nginx ] \
  || printf '!!! nginx is missing: the hosting tests cannot run. Install it with: apt-get install nginx-light\n' >&2

say "Running the tests: python -m pytest $*"
rc=0
"$VENV/bin/python" -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  printf 'ERROR: pytest collected no tests (exit code 5). That counts as a failure.\n' >&2
fi
exit "$rc"
