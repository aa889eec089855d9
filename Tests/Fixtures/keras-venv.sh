# Sourced by the generate.sh scripts of the Keras fixture directories: sets `keras_python` to
# the Python of the virtual environment $KERAS_VENV (default /work/venv-keras, outside the
# repository, shared with scripts/keras-fixtures.sh), creating it and pip-installing keras and
# jax[cpu] from PyPI when they are missing, with KERAS_BACKEND=jax exported.
venv=${KERAS_VENV:-/work/venv-keras}
# Set before the check too: without it, importing keras looks for TensorFlow and fails.
export KERAS_BACKEND=jax

if ! "$venv/bin/python" -c 'import keras, jax' 2>/dev/null; then
  echo "creating $venv with keras and jax[cpu]"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet keras "jax[cpu]"
fi
keras_python="$venv/bin/python"
