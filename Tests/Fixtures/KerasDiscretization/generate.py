"""Keras 3's side of the Discretization parity fixtures (run by generate.sh).

  python generate.py DIR     writes DIR/<case>.json for every case below

Each case builds `keras.layers.Discretization` from its arguments, adapts it when the case
gives data (a list of batches, as Keras's adapt takes an iterable), calls it on fixed inputs
and writes, as JSON:

  layer           serialize_keras_object(layer) after adapt: what Plexus must rebuild and write
                  back
  adapt_batches   the batches adapt saw, each {"dtype", "shape", "values"} (absent: none)
  bin_boundaries  the boundaries in use (learned ones are float32 values)
  input           the input {"dtype", "shape", "values"} (NaN and ±inf written as strings)
  output          the layer's output {"dtype", "shape", "values"}

Keras 3.15's adapt asks whether the data is a tf.data.Dataset, so the environment needs
TensorFlow importable too; the layer runs on JAX.
"""

import json
import math
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402

R = np.random.default_rng


def number(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor(values):
    values = np.asarray(values)
    return {
        "dtype": str(values.dtype),
        "shape": list(values.shape),
        "values": [number(v) for v in values.ravel()],
    }


f32 = np.float32
SPECIAL = np.array([[np.nan, -np.inf, np.inf, 1.0, 0.99999994, 2.0, 0.0, -0.0]], f32)

# name: (keyword arguments, adapt batches or None, input)
CASES = {
    "given_int": (dict(bin_boundaries=[0.0, 1.0, 2.0]), None,
                  np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], f32)),
    "given_special_values": (dict(bin_boundaries=[0.0, 1.0, 2.0]), None, SPECIAL),
    "given_descending": (dict(bin_boundaries=[2.0, 1.0, 0.0]), None,
                         np.array([[-1.0, 0.5, 1.5, 3.0, 1.0, np.nan]], f32)),
    "given_repeated_boundary": (dict(bin_boundaries=[0.0, 1.0, 1.0, 2.0]), None,
                                np.array([[0.5, 1.0, 1.5, 2.5]], f32)),
    "given_fraction_boundaries": (dict(bin_boundaries=[0.1, 0.2, 0.3]), None,
                                  np.array([[0.1, 0.2, 0.30000001, 0.29999998]], f32)),
    "given_int_inputs": (dict(bin_boundaries=[0.0, 1.5, 3.0]), None,
                         np.array([[-2, 0, 1, 2, 3, 40]], np.int32)),
    "given_empty": (dict(bin_boundaries=[]), None, np.array([[-1.0, 0.0, 5.0]], f32)),
    "one_hot_last_axis_one": (dict(bin_boundaries=[0.0, 1.0, 2.0], output_mode="one_hot"),
                              None, np.array([[0.5], [3.0], [-1.0]], f32)),
    "one_hot_rank2": (dict(bin_boundaries=[0.0, 1.0], output_mode="one_hot"), None,
                      np.array([[0.5, 3.0], [-1.0, 0.0]], f32)),
    "multi_hot": (dict(bin_boundaries=[0.0, 1.0, 2.0], output_mode="multi_hot"), None,
                  np.array([[0.5, 3.0, 3.0], [3.0, -1.0, 9.0]], f32)),
    "multi_hot_rank3": (dict(bin_boundaries=[0.0, 1.0, 2.0], output_mode="multi_hot"), None,
                        R(1).uniform(-1, 3, (2, 3, 4)).astype(f32)),
    "count": (dict(bin_boundaries=[0.0, 1.0, 2.0], output_mode="count"), None,
              np.array([[0.5, 3.0, 3.0], [3.0, -1.0, 9.0]], f32)),
    "adapt_keras_example": (dict(num_bins=4, epsilon=0.01),
                            [np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], f32)],
                            np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]], f32)),
    "adapt_small": (dict(num_bins=3), [np.arange(10, dtype=f32)],
                    np.array([[0.0, 2.3, 2.4, 5.6, 5.7, 9.0]], f32)),
    "adapt_ties": (dict(num_bins=4), [np.array([1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5], f32)],
                   np.array([[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], f32)),
    "adapt_compressed": (dict(num_bins=5), [R(2).normal(size=(500, 3)).astype(f32)],
                         R(3).normal(size=(4, 6)).astype(f32)),
    "adapt_coarse_epsilon": (dict(num_bins=7, epsilon=0.1),
                             [R(4).uniform(-5, 5, (1000,)).astype(f32)],
                             R(5).uniform(-6, 6, (3, 5)).astype(f32)),
    "adapt_batches": (dict(num_bins=3),
                      [np.arange(5.0, dtype=f32), np.arange(3.0, dtype=f32) + 7,
                       np.arange(300.0, dtype=f32)],
                      np.array([[0.0, 93.0, 94.0, 196.0, 197.0, 400.0]], f32)),
    "adapt_batches_uneven": (dict(num_bins=6, epsilon=0.02),
                             [R(6).exponential(size=(700,)).astype(f32),
                              R(7).exponential(2.0, size=(90, 2)).astype(f32),
                              R(8).normal(size=(4000,)).astype(f32)],
                             R(9).normal(size=(2, 8)).astype(f32)),
    "adapt_more_bins_than_values": (dict(num_bins=10), [np.array([3.0, 1.0, 2.0], f32)],
                                    np.array([[0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0]], f32)),
    "adapt_count": (dict(num_bins=4, output_mode="count"),
                    [R(10).uniform(0, 1, (64, 2)).astype(f32)],
                    R(11).uniform(0, 1, (3, 5)).astype(f32)),
}


def write_case(directory, name, kwargs, batches, x):
    layer = keras.layers.Discretization(name=name, **kwargs)
    if batches is not None:
        layer.adapt(batches if len(batches) > 1 else batches[0])
    y = np.asarray(layer(x))
    fixture = {
        "keras": keras.__version__,
        "layer": json.loads(json.dumps(serialize_keras_object(layer))),
        "bin_boundaries": [float(b) for b in layer.bin_boundaries],
        "input": tensor(x),
        "output": tensor(y),
    }
    if batches is not None:
        fixture["adapt_batches"] = [tensor(b) for b in batches]
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (kwargs, batches, x) in CASES.items():
        write_case(directory, name, kwargs, batches, x)
    print(f"wrote {len(CASES)} fixtures of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
