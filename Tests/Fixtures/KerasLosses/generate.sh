#!/usr/bin/env bash
# Regenerates the Keras 3 loss and metric parity fixtures in this directory (one JSON file per
# case of generate.py: loss_<case>.json and metric_<case>.json), which
# Tests/FrontendAPITests/Losses/KerasLossParityTests and
# Tests/FrontendAPITests/Metrics/KerasMetricParityTests read without Python.
#
#   Tests/Fixtures/KerasLosses/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasLosses/generate.sh
#
# Uses the virtual environment $KERAS_VENV (default /work/venv-keras, outside the repository,
# shared with Tests/Fixtures/KerasLayers/generate.sh), creating it and pip-installing keras and
# jax[cpu] from PyPI when they are missing. Old fixture files are removed first, so a case
# dropped from generate.py leaves no stale file behind.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../keras-venv.sh
source "$here/../keras-venv.sh"

rm -f "$here"/*.json
"$keras_python" "$here/generate.py" "$here"
