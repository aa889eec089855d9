#!/usr/bin/env bash
# Checks that the event files Plexus's TensorBoard callback writes read back in TensorBoard.
#
#   scripts/tensorboard-check.sh
#
# 1. Creates a virtual environment ($TENSORBOARD_VENV, default a temporary one) with the
#    tensorboard package from PyPI (no TensorFlow).
# 2. Runs the Swift suite TensorBoardTests with PLEXUS_TENSORBOARD_EXPORT_DIR set, so that it
#    writes a small fit's log directory and its History as JSON (the tests must be built).
# 3. Runs scripts/tensorboard_check.py on that directory: TensorBoard's EventAccumulator reads
#    the files, and each check prints one TAP line.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${TENSORBOARD_VENV:-$work/venv}

if ! "$venv/bin/python" -c 'import tensorboard' 2>/dev/null; then
  if ! { "$python" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet tensorboard; } \
    >"$work/pip.log" 2>&1; then
    cat "$work/pip.log"
    echo "not ok 1 - tensorboard-check: could not install tensorboard from PyPI"
    exit 1
  fi
fi

export_dir=$work/export
mkdir -p "$export_dir"
cd "$repo" || exit 1
if ! PLEXUS_TENSORBOARD_EXPORT_DIR=$export_dir swift test --skip-build --filter TensorBoardTests \
  >"$work/swift.log" 2>&1; then
  tail -n 30 "$work/swift.log"
  echo "not ok 1 - tensorboard-check: TensorBoardTests failed; no event files to read"
  exit 1
fi
"$venv/bin/python" "$repo/scripts/tensorboard_check.py" "$export_dir" 2>"$work/py.log"
status=$?
if ((status != 0)); then tail -n 20 "$work/py.log"; fi
exit $status
