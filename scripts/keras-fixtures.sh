#!/usr/bin/env bash
# Regenerates the Keras 3 fixtures under Tests/Fixtures/keras/ and checks the other direction:
# the JSON Plexus writes for the same two models, and for a small CNN, builds in Keras.
#
#   scripts/keras-fixtures.sh            # fixtures + both checks
#   KERAS_VENV=/path/to/venv scripts/keras-fixtures.sh
#
# 1. Creates a virtual environment (default /work/venv-keras, outside the repository; override
#    with $KERAS_VENV) and pip-installs keras and jax[cpu] into it when they are missing.
# 2. Runs scripts/keras_fixtures.py write: Keras serializes every object Plexus has
#    (objects.json), a Sequential MLP and a two-input, two-output Functional model with a
#    shared layer (model.to_json()), and records the Keras version (VERSION).
# 3. Runs the Swift tests that compare Plexus with those fixtures (ModelJSONTests and
#    KerasObjectConfigTests). With PLEXUS_KERAS_EXPORT_DIR set, ModelJSONTests also writes
#    Plexus's JSON of both models there (sequential_mlp.json, functional_two_towers.json),
#    and ConvolutionalModelTests that of a CNN using every convolution, pooling,
#    normalization and reshaping layer (cnn.json).
# 4. Runs scripts/keras_fixtures.py check-plexus on that directory: keras.models.model_from_json
#    must build each file, run it, and find the expected inputs, outputs, layers and shared layer.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${KERAS_VENV:-/work/venv-keras}
# Set before the check below too: without it, importing keras looks for TensorFlow and fails,
# and the check would reinstall into a working environment.
export KERAS_BACKEND=jax
fixtures=$repo/Tests/Fixtures/keras
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT

if ! "$venv/bin/python" -c 'import keras, jax' 2>/dev/null; then
  echo "creating $venv with keras and jax[cpu]"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet keras "jax[cpu]"
fi

"$venv/bin/python" "$repo/scripts/keras_fixtures.py" write "$fixtures"

cd "$repo"
PLEXUS_KERAS_EXPORT_DIR=$export_dir swift test --filter 'ModelJSONTests|KerasObjectConfigTests|ConvolutionalModelTests'

for file in sequential_mlp.json functional_two_towers.json cnn.json; do
  [[ -s $export_dir/$file ]] || { echo "Plexus did not write $file" >&2; exit 1; }
done
"$venv/bin/python" "$repo/scripts/keras_fixtures.py" check-plexus "$export_dir"
