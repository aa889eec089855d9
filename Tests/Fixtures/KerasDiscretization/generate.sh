#!/usr/bin/env bash
# Regenerates the Keras 3 Discretization fixtures (one <case>.json per case of generate.py),
# which Tests/FrontendAPITests/Layers/Preprocessing/DiscretizationParityTests reads without
# Python.
#
#   Tests/Fixtures/KerasDiscretization/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasDiscretization/generate.sh
#
# Uses the virtual environment $KERAS_VENV (see ../keras-venv.sh). Keras 3.15's
# Discretization.adapt checks for tf.data datasets, so TensorFlow must import too:
# tensorflow-cpu is pip-installed into the environment when it is missing (the layer still
# runs on JAX).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../keras-venv.sh
source "$here/../keras-venv.sh"
if ! "$keras_python" -c 'import tensorflow' 2>/dev/null; then
  echo "installing tensorflow-cpu into $venv (Discretization.adapt imports it)"
  "$venv/bin/pip" install --quiet tensorflow-cpu
fi

rm -f "$here"/*.json
TF_CPP_MIN_LOG_LEVEL=3 "$keras_python" "$here/generate.py" "$here"
