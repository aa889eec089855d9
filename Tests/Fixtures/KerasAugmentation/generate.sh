#!/usr/bin/env bash
# Regenerates the Keras 3 parity fixtures of the image augmentation layers (one <case>.json per case of
# generate.py), which Tests/FrontendAPITests/Layers/AugmentationParityTests reads without Python.
#
#   Tests/Fixtures/KerasAugmentation/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasAugmentation/generate.sh
#
# Uses the virtual environment $KERAS_VENV (default /work/venv-keras, outside the repository,
# shared with scripts/keras-fixtures.sh), creating it and pip-installing keras and jax[cpu] from
# PyPI when they are missing. Old fixture files are removed first, so a case dropped from
# generate.py leaves no stale file behind.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../keras-venv.sh
source "$here/../keras-venv.sh"

rm -f "$here"/*.json "$here"/*.keras
"$keras_python" "$here/generate.py" "$here"
