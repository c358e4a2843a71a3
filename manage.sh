#!/usr/bin/env bash
# One entry point for set-up, running and testing. See README.md.
#   bash manage.sh start   set up (venv, packages, database) and start the dashboard
#   bash manage.sh test    set up (venv, packages) and run every test and the linter
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  say "需要 Python 3.11 或更高版本 / Python >= 3.11 is required"; exit 1
}

apt_install() {
  # Debian packages, only when we may install them (root) and they are missing.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "安装系统软件包 / installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    say "请先安装 / please install first: $*"; return 1
  fi
}

ensure_venv() {
  local python; python=$(find_python)
  if [ ! -x "$PY" ]; then
    say "创建虚拟环境 / creating the virtual environment ($VENV)"
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      local version; version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt_install "python${version}-venv" || apt_install python3-venv
      "$python" -m venv "$VENV"
    fi
  fi
  local stamp="$VENV/.requirements.sha256"
  local want; want=$(cat "$1" requirements.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "安装 Python 依赖 / installing Python packages ($1)"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$1"
    echo "$want" > "$stamp"
  fi
}

ensure_system_packages() {
  # Chromium draws server-side PNGs and runs the browser tests; the CJK font makes Chinese
  # readable in both. Installed from Debian when missing (never downloaded by Python code).
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || say "PNG 导出与浏览器测试需要 / PNG export and browser tests need: ${missing[*]}"
  fi
}

case "${1:-}" in
  start)
    ensure_system_packages
    ensure_venv requirements.txt
    say "准备数据库 / preparing the database"
    "$PY" -m loaders sync
    shift
    # Loads the app once the server answers, so its first visitor does not wait for the imports.
    "$PY" -m dashboard.warmup --host "${HOST:-127.0.0.1}" --port "${PORT:-8501}" &
    # serve.py is app.py behind the upload gate (dashboard/gate.py, Streamlit's st.App middleware).
    exec "$PY" -m streamlit run serve.py --server.headless true --server.address "${HOST:-127.0.0.1}" \
      --server.port "${PORT:-8501}" --browser.gatherUsageStats false "$@"
    ;;
  test)
    ensure_system_packages
    ensure_venv requirements-dev.txt
    shift
    "$PY" -m ruff check .
    "$PY" -m ruff format --check .
    exec "$PY" -m pytest -q "$@"
    ;;
  *)
    echo "usage: bash manage.sh start|test" >&2; exit 2 ;;
esac
