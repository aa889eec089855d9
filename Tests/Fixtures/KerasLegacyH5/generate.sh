#!/usr/bin/env bash
# Regenerates the legacy .h5 fixtures of Keras 3 and Keras 2 (tf_keras), which
# Tests/FrontendAPITests/Saving/LegacyH5Tests reads without Python.
#
#   Tests/Fixtures/KerasLegacyH5/generate.sh
#   KERAS_VENV=/path/to/venv Tests/Fixtures/KerasLegacyH5/generate.sh
#
# Uses the virtual environment $KERAS_VENV (see ../keras-venv.sh), pip-installing
# tensorflow-cpu and tf_keras into it when missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../keras-venv.sh
source "$here/../keras-venv.sh"
if ! "$keras_python" -c 'import tf_keras' 2>/dev/null; then
  echo "installing tensorflow-cpu and tf_keras into $venv"
  "$venv/bin/pip" install --quiet tensorflow-cpu tf_keras
fi

rm -f "$here"/*.h5 "$here"/*.json
TF_CPP_MIN_LOG_LEVEL=3 "$keras_python" "$here/generate.py" "$here"
