#!/usr/bin/env bash
# Install Haven and build the bundled Hartford example hub into ./site.
#
#   bash scripts/install.sh
#
# Works on a fresh Debian (bookworm) machine with python3 (3.11 or newer) and bash.
# Run it as root, or as a user who can use sudo. Safe to run again: it reuses what
# is already installed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"

# System packages needed to build and run Haven:
#   python3-venv, python3-pip  create the virtual environment and install Haven into it
#   gettext                    msgfmt, used to check translation catalogs
#   fonts-noto-core, -cjk      real glyphs for every script the hub serves (Arabic, Ethiopic,
#                              Myanmar, Bengali, Chinese …) when previewing on this machine,
#                              and the fonts 'haven print' embeds in every PDF
APT_PACKAGES=(python3-venv python3-pip gettext fonts-noto-core fonts-noto-cjk)

say() { printf '==> %s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly if we are root, with sudo if it is available.
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
  # env passes DEBIAN_FRONTEND through sudo, which otherwise resets the environment.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# A usable venv: its python runs, is 3.11 or newer, and has pip.
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

# 1. python3 itself
command -v "$PYTHON" >/dev/null 2>&1 || fail "python3 not found. Install Python 3.11 or newer (apt-get install python3)."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || fail "Haven needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')."

# 2. system packages
install_system_packages "${APT_PACKAGES[@]}"

# 3. virtual environment and Haven itself
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
say "Installing Haven into .venv (pip install -e .)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -e .

# 4. build the bundled Hartford example
say "Building the bundled Hartford example into ./site"
"$VENV/bin/haven" build \
  || fail "'haven build' failed (see the messages above). Haven is installed in .venv; fix the problem and run this script again."

cat <<EOF

Haven is installed and the Hartford example hub is built in:
  $REPO_ROOT/site

To look at it, start the local preview server:
  .venv/bin/haven serve
then open http://127.0.0.1:8000/ in a browser.
Or open site/index.html directly from disk.

See all commands with: .venv/bin/haven --help
EOF
