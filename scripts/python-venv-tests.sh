#!/usr/bin/env bash
# Installs bindings/python into a fresh virtual environment and runs its pytest suite there,
# from a directory outside the repository, so that the installed package (with the
# libplexus_c.so its wheel carries) is what the tests import.
#
# The wheel's library: `swift build -c release --product plexus_c` (run by the package's build
# backend), or the file PLEXUS_LIBRARY names, to reuse an existing build. The tests themselves
# run without PLEXUS_LIBRARY, so they load the packaged library.
#
# Prints pytest's summary as its last line and exits with pytest's status (1 when the
# environment could not be set up).
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "python-venv-tests: $*"
  echo "1 failed (python-venv-tests could not set up the environment)"
  exit 1
}

"$python" -m venv "$work/venv" >"$work/venv.log" 2>&1 \
  || { cat "$work/venv.log"; fail "cannot create a virtual environment with $python"; }
venv_python="$work/venv/bin/python"

"$venv_python" -m pip install --quiet numpy pytest >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log"; fail "pip could not install numpy and pytest"; }
"$venv_python" -m pip install --quiet "$repo/bindings/python" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "pip could not install bindings/python"; }

# The plugin tests load the BLIS plugin of the package's debug build (scripts/test.sh builds it);
# a plugin needs no particular build of the library, only its plugin ABI.
export PLEXUS_TEST_BLIS_PLUGIN=${PLEXUS_TEST_BLIS_PLUGIN:-$repo/.build/debug/libpx_blis.so}

cd "$work" || fail "cannot enter $work"
env -u PLEXUS_LIBRARY PLEXUS_TEST_INSTALLED=1 PYTHONDONTWRITEBYTECODE=1 \
  "$venv_python" -m pytest -p no:cacheprovider -q -rfE "$repo/bindings/python/tests" \
  </dev/null >"$work/pytest.log" 2>&1
status=$?
cat "$work/pytest.log"
exit "$status"
