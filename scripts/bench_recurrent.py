"""Trains one recurrent model through Keras 3 or through Plexus's Python bindings and prints one
JSON line: the seconds of each epoch after the first and their median.

The model: Input(T=50, F=32) -> LSTM(64) or GRU(64) -> Dense(1, sigmoid), Adam, binary
cross-entropy, batch 64, on 4096 synthetic sequences (the label says whether the first feature's
mean over time is positive). Run by scripts/bench-recurrent.sh, which alternates the frameworks.

    python bench_recurrent.py --framework keras|plexus --cell lstm|gru [--epochs 4]
"""
import argparse
import json
import statistics
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--framework", required=True, choices=("keras", "plexus"))
    parser.add_argument("--cell", required=True, choices=("lstm", "gru"))
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    if args.framework == "keras":
        import keras
        from keras import layers
    else:
        import plexus as keras
        from plexus import layers
    rng = np.random.default_rng(0)
    n, steps, features, units = 4096, 50, 32, 64
    x = rng.standard_normal((n, steps, features)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("float32")
    recurrent = layers.LSTM(units) if args.cell == "lstm" else layers.GRU(units)
    model = keras.Sequential([
        keras.Input(shape=(steps, features)), recurrent, layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        history = model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "framework": args.framework, "cell": args.cell, "epoch_s": [round(s, 4) for s in seconds],
        "median_after_first_s": round(statistics.median(seconds[1:]), 4),
        "loss_last": float(history.history["loss"][-1]),
    }))


if __name__ == "__main__":
    main()
