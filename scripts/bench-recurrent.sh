#!/usr/bin/env bash
# A benchmark for the closing notes (not a test): LSTM(64) and GRU(64) training epochs through
# Keras 3 on JAX and through Plexus's Python bindings (oneDNN's recurrent primitives behind
# them), alternating in one sitting, with the ratio Plexus / Keras per round. These machines are
# noisy: only ratios from one sitting mean anything.
# Usage: scripts/bench-recurrent.sh [KERAS_PYTHON] [ROUNDS]
#   KERAS_PYTHON: an interpreter with keras and jax installed (default: /work/venv-keras/bin/python)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keras_python=${1:-/work/venv-keras/bin/python}
rounds=${2:-2}
[[ -x $keras_python ]] || { echo "no Python with Keras at $keras_python" >&2; exit 1; }
flags=(-c release -Xswiftc -O -Xswiftc -target-cpu -Xswiftc native -Xswiftc -DPX_FMA)
swift build "${flags[@]}" --product plexus_c >/dev/null
export PLEXUS_LIBRARY=$PWD/.build/release/libplexus_c.so PYTHONPATH=$PWD/bindings/python
threads=$(nproc)
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads KERAS_BACKEND=jax JAX_PLATFORMS=cpu
median() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["median_after_first_s"])'; }
for cell in lstm gru; do
  for ((round = 1; round <= rounds; round++)); do
    keras_s=$("$keras_python" scripts/bench_recurrent.py --framework keras --cell "$cell" 2>/dev/null | median)
    plexus_s=$(python3 scripts/bench_recurrent.py --framework plexus --cell "$cell" | median)
    ratio=$(python3 -c "print(f'{$plexus_s / $keras_s:.3f}')")
    echo "$cell round $round: Keras+JAX $keras_s s/epoch, Plexus $plexus_s s/epoch, ratio $ratio"
  done
done
