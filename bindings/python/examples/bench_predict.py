"""Single-sample predict_on_batch latency from Python, per backend: the Fashion-MNIST MLP
(Flatten -> Dense(128, relu) -> Dense(10)), one 28x28 float32 sample, the median of `--rounds`
timings of `--calls` calls each. A benchmark for the closing note, not a test.

    PYTHONPATH=bindings/python python3 bindings/python/examples/bench_predict.py
"""

import argparse
import statistics
import time

import numpy as np

import plexus as keras
from plexus import layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["onednn", "openblas", "reference"])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sample = np.random.default_rng(0).random((1, 28, 28), dtype=np.float32)
    for backend in args.backends:
        keras.config.set_backend(backend)
        model = keras.Sequential(
            [keras.Input(shape=(28, 28)), layers.Flatten(),
             layers.Dense(128, activation="relu"), layers.Dense(10)]
        )  # fmt: skip
        for _ in range(1000):
            model.predict_on_batch(sample)
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for _ in range(args.calls):
                model.predict_on_batch(sample)
            timings.append((time.perf_counter() - start) / args.calls * 1e6)
        print(f"{backend:10s} predict_on_batch, 1 sample: median {statistics.median(timings):.1f} µs"
              f" (min {min(timings):.1f}, max {max(timings):.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
