#!/usr/bin/env bash
# Benchmarks of the bindings for the closing notes (not tests): the Fashion-MNIST MLP's fit from
# Python against the same run from Swift (`plexus train`), alternating, and single-sample
# predict_on_batch latency from Python per backend. Builds the tool and the library the way
# scripts/bench.sh does (release, tuned for this CPU), so both sides run the same code.
# Usage: scripts/bench-bindings.sh [ROUNDS] [EPOCHS]   (default 3 rounds of 3 epochs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
epochs=${2:-3}
flags=(-c release -Xswiftc -O -Xswiftc -target-cpu -Xswiftc native -Xswiftc -DPX_FMA)
swift build "${flags[@]}" --product plexus >/dev/null
swift build "${flags[@]}" --product plexus_c >/dev/null
export PLEXUS_LIBRARY=$PWD/.build/release/libplexus_c.so PYTHONPATH=$PWD/bindings/python
threads=$(nproc)
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

echo "MLP fit, batch 32, $epochs epochs, default backend (seconds per epoch over all epochs; ratio Python/Swift)"
for ((round = 1; round <= rounds; round++)); do
  swift_s=$(.build/release/plexus train --epochs "$epochs" --verbose 0 \
    | sed -nE 's/^Trained .*\(([0-9.]+) s\/epoch\)/\1/p')
  python_s=$(python3 bindings/python/examples/train_mlp.py --epochs "$epochs" --verbose 0 \
    | sed -nE 's/^training: .*\(([0-9.]+) s per epoch\)/\1/p')
  ratio=$(python3 -c "print(f'{$python_s / $swift_s:.3f}')")
  echo "round $round: Swift $swift_s s, Python $python_s s, ratio $ratio"
done

echo
echo "predict_on_batch, one sample, from Python"
python3 bindings/python/examples/bench_predict.py
