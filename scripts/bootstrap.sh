# Sourced by scripts/run.sh and scripts/test.sh: make a virtual environment with the platform installed.
# Usage: source scripts/bootstrap.sh EXTRAS   (EXTRAS: pip extras such as "test", or "" for none)
# Always give EXTRAS, even empty: `source` without arguments hands the caller's own arguments over, and
# run.sh's `--port 8080` (meant for `wsis serve`) would be taken for an extra.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${WSIS_VENV:-$ROOT/.venv}"
# Checked first, before anything is installed.
extras="${1:-}"
if [[ ! "$extras" =~ ^[A-Za-z0-9_,-]*$ || "$extras" == -* ]]; then
  echo "bootstrap.sh: '$extras' is not a list of pip extras (e.g. test); arguments for wsis serve go to run.sh" >&2
  exit 2
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_ready=0
apt_install() {
  # Install Debian packages that are missing; `apt-get update` once first, as a fresh machine needs.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_ready" -eq 0 ]; then as_root apt-get update -qq; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

PYTHON="${WSIS_PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "WSIS Observatory needs Python 3.11 (found $("$PYTHON" --version))" >&2; exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; "$PYTHON" -m venv "$VENV"; }
fi
target="$ROOT"; [ -n "$extras" ] && target="$ROOT[$extras]"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$target" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "^\s*$" || true
"$VENV/bin/python" -c "import wsis" # fail here, clearly, if the install did not work
export PATH="$VENV/bin:$PATH"
# Front-end packages from the npm registry, pinned by package-lock.json: the world-atlas boundaries that the
# maps vendor at build time, and the accessibility checkers of the browser tests. Puppeteer (under pa11y)
# must not download a browser of its own: the tests point it at Debian's chromium.
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
(cd "$ROOT" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
