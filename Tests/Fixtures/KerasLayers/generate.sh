#!/usr/bin/env bash
# Regenerates the Keras 3 layer parity fixtures in this directory (one <case>.json per case of
# generate.py), which Tests/FrontendAPITests/Layers/KerasLayerParityTests reads without Python.
#
#   Tests/Fixtures/KerasLayers/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasLayers/generate.sh
#
# Uses the virtual environment $KERAS_VENV (default /work/venv-keras, outside the repository,
# shared with scripts/keras-fixtures.sh), creating it and pip-installing keras and jax[cpu] from
# PyPI when they are missing. Old fixture files are removed first, so a case dropped from
# generate.py leaves no stale file behind.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../keras-venv.sh
source "$here/../keras-venv.sh"

rm -f "$here"/*.json
"$keras_python" "$here/generate.py" "$here"
