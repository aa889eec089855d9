"""Keras 3's side of the .keras file fixtures (run by generate.sh).

  python generate.py DIR [CASE...]   writes DIR/<case>.keras and DIR/<case>.json for every case
                                    below (or only the named ones)

Each case is a small model that Keras builds, compiles, trains for a few steps (so the file
holds optimizer state) and saves with `model.save`. The JSON holds the inputs, what Keras
predicted for them, and the optimizer's iteration count, so that the Swift tests
(Tests/FrontendAPITests/Saving/KerasFileFixtureTests.swift) can load each file and compare
without Python.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def sequential_mlp():
    model = keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(5, activation="relu", name="hidden"),
            layers.Dropout(0.2),
            layers.Dense(3, activation="softmax", name="out"),
        ],
        name="mlp",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.integers(0, 3, size=(16,))
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return model, [x[:4]]


def functional_two_io():
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    shared = layers.Dense(4, activation="tanh", name="shared")
    left = shared(a)
    right = shared(layers.Dense(4, name="project_b")(b))
    merged = layers.Concatenate(name="merge")([left, right])
    inner = keras.Sequential(
        [keras.Input((8,)), layers.Dense(2, name="inner_dense")], name="inner"
    )
    out1 = inner(merged)
    out2 = layers.Dense(1, activation="sigmoid", name="score")(layers.Add(name="sum")([left, right]))
    model = keras.Model([a, b], [out1, out2], name="two_io")
    model.compile(
        optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=["mse", "binary_crossentropy"]
    )
    rng = np.random.default_rng(2)
    xa = rng.normal(size=(12, 4)).astype("float32")
    xb = rng.normal(size=(12, 3)).astype("float32")
    y1 = rng.normal(size=(12, 2)).astype("float32")
    y2 = rng.integers(0, 2, size=(12, 1)).astype("float32")
    model.fit([xa, xb], [y1, y2], batch_size=4, epochs=1, verbose=0)
    return model, [xa[:3], xb[:3]]


def cnn_batchnorm():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", name="conv"),
            layers.BatchNormalization(name="bn"),
            layers.Activation("relu"),
            layers.MaxPooling2D(2),
            layers.DepthwiseConv2D(3, padding="same", name="depthwise"),
            layers.LayerNormalization(name="ln"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(3, name="logits"),
        ],
        name="cnn_bn",
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3, momentum=0.5),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(3)
    x = rng.normal(size=(10, 8, 8, 2)).astype("float32")
    y = rng.integers(0, 3, size=(10,))
    model.fit(x, y, batch_size=5, epochs=2, verbose=0)
    return model, [x[:2]]


def uncompiled_functional():
    inputs = keras.Input((5,), name="features")
    hidden = layers.Dense(4, activation="gelu", name="hidden")(inputs)
    outputs = layers.Dense(2, name="out")(layers.Dropout(0.5)(hidden))
    model = keras.Model(inputs, outputs, name="plain")
    x = np.random.default_rng(4).normal(size=(3, 5)).astype("float32")
    return model, [x]


def lambda_layer():
    """A Lambda layer holds Python code: Plexus must refuse it (Keras's safe_mode)."""
    model = keras.Sequential(
        [keras.Input((3,)), layers.Lambda(lambda x: x * 2.0, name="doubler"), layers.Dense(2)],
        name="with_lambda",
    )
    return model, None


CASES = {
    "sequential_mlp": sequential_mlp,
    "functional_two_io": functional_two_io,
    "cnn_batchnorm": cnn_batchnorm,
    "uncompiled_functional": uncompiled_functional,
    "lambda_layer": lambda_layer,
}


def main(directory, only=()):
    keras.utils.set_random_seed(1234)
    for name, build in CASES.items():
        if only and name not in only:
            continue
        model, inputs = build()
        model.save(os.path.join(directory, name + ".keras"))
        if inputs is None:
            print("wrote", name, "(the file only)")
            continue
        predicted = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        if not isinstance(predicted, (list, tuple)):
            predicted = [predicted]
        record = {
            "keras_version": keras.__version__,
            "inputs": [{"shape": list(x.shape), "values": x.ravel().tolist()} for x in inputs],
            "outputs": [
                {"shape": list(p.shape), "values": np.asarray(p).ravel().tolist()} for p in predicted
            ],
            "iterations": int(model.optimizer.iterations) if getattr(model, "optimizer", None) else None,
            "weights": [
                {"path": v.path, "shape": list(v.shape), "values": np.asarray(v).ravel().tolist()}
                for v in model.weights
            ],
        }
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(record, f, indent=1)
        print("wrote", name)


if __name__ == "__main__":
    main(sys.argv[1], tuple(sys.argv[2:]))
