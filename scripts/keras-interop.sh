#!/usr/bin/env bash
# Checks that the .keras files Plexus writes open in Keras 3 and predict what Plexus predicted.
#
#   scripts/keras-interop.sh [BUILD_DIR]
#
# 1. Creates a virtual environment ($KERAS_INTEROP_VENV, default a temporary one) with keras and
#    jax[cpu] from PyPI. (Keras 3.15's numpy backend imports jax and scipy as well, so it saves
#    nothing over the JAX backend, which is what Keras users run on a CPU anyway.)
# 2. Runs the Swift suites that export (KerasFileExportTests, the attention suites) with
#    PLEXUS_KERAS_EXPORT_DIR set, so that they write each model's .keras file with its inputs
#    and predictions (the tests must be built).
# 3. Runs scripts/keras_interop.py on that directory: one TAP line per file.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${KERAS_INTEROP_VENV:-$work/venv}

export KERAS_BACKEND=jax
if ! "$venv/bin/python" -c 'import keras, jax, h5py' 2>/dev/null; then
  if ! { "$python" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet keras "jax[cpu]"; } \
    >"$work/pip.log" 2>&1; then
    cat "$work/pip.log"
    echo "not ok 1 - keras-interop: could not install keras and jax[cpu] from PyPI"
    exit 1
  fi
fi

export_dir=$work/export
cd "$repo" || exit 1
if ! PLEXUS_KERAS_EXPORT_DIR=$export_dir swift test --skip-build --filter 'KerasFileExportTests|KerasAttentionFileTests|AttentionAxesTests|\.AttentionTests|\.AugmentationTests|\.DiscretizationTests|\.Conv3DTests|\.Conv3DTransposeTests' \
  >"$work/swift.log" 2>&1; then
  tail -n 30 "$work/swift.log"
  echo "not ok 1 - keras-interop: KerasFileExportTests failed; nothing to hand to Keras"
  exit 1
fi
"$venv/bin/python" "$repo/scripts/keras_interop.py" "$export_dir" 2>"$work/py.log"
status=$?
if ((status != 0)); then tail -n 20 "$work/py.log"; fi
exit $status
