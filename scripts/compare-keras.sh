#!/usr/bin/env bash
# Runs the Keras anchor's MLP (Keras 3 on JAX, batch 32, 10 epochs) and Plexus's MLP benchmark
# back to back on this machine, and prints both medians and their ratio. These machines are
# noisy, so only a ratio from one sitting means anything.
#
#   scripts/compare-keras.sh [ANCHORS_DIR] [PYTHON]
#
# ANCHORS_DIR holds keras_bench.py (default: ../shared/anchors beside the checkout); PYTHON is an
# interpreter with the anchors' requirements installed (default: /tmp/keras-anchors/bin/python;
# see the anchors' README to create it).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
anchors=${1:-$repo/../shared/anchors}
python=${2:-/tmp/keras-anchors/bin/python}
[[ -f $anchors/keras_bench.py ]] || { echo "no keras_bench.py in $anchors" >&2; exit 1; }
[[ -x $python ]] || { echo "no Python with Keras at $python" >&2; exit 1; }

keras=$("$python" "$anchors/keras_bench.py" --backend jax --workload mlp 2>/dev/null \
  | "$python" -c 'import json, sys
for line in sys.stdin:
    record = json.loads(line)
    if record.get("type") == "result":
        print(record["sec_per_epoch"], record.get("test_acc", "?"))')
plexus=$(bash "$repo/scripts/bench.sh" --sizes 2 --backends openblas --mlp-epochs 10 --json \
  | "$python" -c 'import json, sys
for line in sys.stdin:
    record = json.loads(line)
    if record["name"].startswith("mlp_"):
        print(record["value"])')
read -r keras_seconds keras_accuracy <<<"$keras"
echo "Keras 3 + JAX: ${keras_seconds} s/epoch (test accuracy ${keras_accuracy})"
echo "Plexus on OpenBLAS: ${plexus} s/epoch"
echo "ratio Plexus / Keras: $("$python" -c "print(round($plexus / $keras_seconds, 3))")"
