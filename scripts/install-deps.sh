#!/usr/bin/env bash
# Installs what Plexus needs, only what is missing: the Debian packages below (through apt-get,
# with sudo when not root) and Python's pytest. Idempotent; prints nothing when all is present.
set -euo pipefail

# openmpi-bin and libopenmpi-dev: Open MPI for data-parallel training (`DataParallel`, `mpirun`).
packages=(libopenblas-dev libdnnl-dev libblis-dev libffi-dev zlib1g-dev libhdf5-dev libzip-dev pkg-config dataset-fashion-mnist valgrind gcc g++ openmpi-bin libopenmpi-dev)
python=${PYTHON:-python3}

installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

as_root() {
  if [[ $(id -u) == 0 ]]; then
    "$@"
  elif ! command -v sudo >/dev/null; then
    echo "install-deps: need root to run '$*' and sudo is not installed" >&2
    return 1
  elif [[ -t 0 ]]; then
    sudo "$@"
  else
    sudo -n "$@"  # no terminal to ask for a password on: fail instead of hanging
  fi
}

# Runs a command quietly, showing its output only when it fails.
quietly() {
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    local status=$?
    cat "$log" >&2
    rm -f "$log"
    return $status
  fi
}

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
# The Python tests install the package into a virtual environment: Debian's Python needs
# python3-venv for that (ensurepip); other Pythons bring it along.
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null && ! installed python3-venv; then
  missing+=(python3-venv)
fi
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! "$python" -c 'import pytest' 2>/dev/null; then
  echo "install-deps: installing pytest for $python" >&2
  if "$python" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
    quietly "$python" -m pip install --quiet pytest  # inside a virtual environment
  else
    quietly "$python" -m pip install --quiet --user pytest \
      || quietly "$python" -m pip install --quiet --user --break-system-packages pytest \
      || quietly "$python" -m pip install --quiet pytest
  fi
  "$python" -c 'import pytest' || {
    echo "install-deps: pytest is still not importable by $python" >&2
    exit 1
  }
fi
