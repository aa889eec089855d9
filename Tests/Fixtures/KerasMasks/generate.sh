#!/usr/bin/env bash
# Regenerates the Keras 3 mask fixtures in this directory (a <case>.keras and a <case>.json per case of
# generate.py), which Tests/FrontendAPITests/Layers/Masking/KerasMaskParityTests reads without Python.
#
#   Tests/Fixtures/KerasMasks/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasMasks/generate.sh
#
# Uses the virtual environment $KERAS_VENV (default /work/venv-keras, outside the repository,
# shared with scripts/keras-fixtures.sh), creating it and pip-installing keras and jax[cpu] from
# PyPI when they are missing. Old fixture files are removed first, so a case dropped from
# generate.py leaves no stale file behind.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${KERAS_VENV:-/work/venv-keras}
# Set before the check too: without it, importing keras looks for TensorFlow and fails.
export KERAS_BACKEND=jax

if ! "$venv/bin/python" -c 'import keras, jax' 2>/dev/null; then
  echo "creating $venv with keras and jax[cpu]"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet keras "jax[cpu]"
fi

rm -f "$here"/*.json "$here"/*.keras
"$venv/bin/python" "$here/generate.py" "$here"
