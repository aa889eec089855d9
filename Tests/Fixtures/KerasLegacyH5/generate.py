"""Legacy HDF5 model files (`model.save("m.h5")`), written by Keras 3 and by Keras 2
(`tf_keras`, the tf.keras of TensorFlow 2.0-2.15), for Plexus's loader (run by generate.sh).

  python generate.py DIR     writes DIR/<case>.h5 and DIR/<case>.json for every case below

Each model is built with a fixed seed, compiled, fitted a few steps on random data and saved
as .h5; its JSON holds the probe inputs and what Keras predicted for them:

  {"keras": version, "inputs": [{"shape", "values"}], "outputs": [{"shape", "values"}]}

`*_weights.h5` cases are `model.save_weights("w.h5")` files of Keras 2 (weights only, by
layer); the test builds the same architecture in Plexus and loads them.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tf_keras  # noqa: E402


def tensor(values):
    values = np.asarray(values, np.float64)
    return {"shape": list(values.shape), "values": values.ravel().tolist()}


def record(directory, name, model, inputs, version):
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump({"keras": version, "inputs": [tensor(x) for x in inputs],
                   "outputs": [tensor(y) for y in outputs]}, file)  # fmt: skip
        file.write("\n")


def fit(model, inputs, targets):
    model.fit(inputs if len(inputs) > 1 else inputs[0],
              targets if len(targets) > 1 else targets[0], epochs=2, batch_size=4,
              verbose=0)  # fmt: skip


def mlp(K):
    return K.Sequential([
        K.Input((6,)), K.layers.Dense(8, activation="relu", name="hidden"),
        K.layers.BatchNormalization(name="norm"), K.layers.Dropout(0.2, name="drop"),
        K.layers.Dense(3, activation="softmax", name="probabilities"),
    ], name="mlp")  # fmt: skip


def two_io(K):
    left = K.Input((5,), name="left")
    right = K.Input((3,), name="right")
    merged = K.layers.Concatenate(name="merge")(
        [K.layers.Dense(4, activation="tanh", name="left_dense")(left), right])
    score = K.layers.Dense(1, activation="sigmoid", name="score")(merged)
    value = K.layers.Dense(2, name="value")(K.layers.Dense(4, activation="relu", name="trunk")(merged))
    return K.Model([left, right], [score, value], name="two_io")


def cnn(K):
    return K.Sequential([
        K.Input((8, 8, 1)), K.layers.Conv2D(4, 3, activation="relu", name="conv"),
        K.layers.BatchNormalization(name="norm"), K.layers.MaxPooling2D(2, name="pool"),
        K.layers.Flatten(name="flat"), K.layers.Dense(3, name="logits"),
    ], name="cnn")  # fmt: skip


def lstm(K):
    return K.Sequential([
        K.Input((5, 3)), K.layers.LSTM(4, return_sequences=True, name="lstm"),
        K.layers.GRU(3, name="gru"), K.layers.Dense(1, name="out"),
    ], name="recurrent")  # fmt: skip


def build(K, name, seed):
    rng = np.random.default_rng(seed)
    if name == "mlp":
        model = mlp(K)
        model.compile(optimizer=K.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        inputs = [rng.normal(size=(8, 6)).astype("float32")]
        targets = [rng.integers(0, 3, size=(8,)).astype("int32")]
    elif name == "two_io":
        model = two_io(K)
        model.compile(optimizer=K.optimizers.RMSprop(0.01), loss=["binary_crossentropy", "mse"],
                      loss_weights=[1.0, 0.5])  # fmt: skip
        inputs = [rng.normal(size=(8, 5)).astype("float32"),
                  rng.normal(size=(8, 3)).astype("float32")]  # fmt: skip
        targets = [rng.integers(0, 2, size=(8, 1)).astype("float32"),
                   rng.normal(size=(8, 2)).astype("float32")]  # fmt: skip
    elif name == "cnn":
        model = cnn(K)
        model.compile(optimizer=K.optimizers.SGD(0.05, momentum=0.9),
                      loss=K.losses.SparseCategoricalCrossentropy(from_logits=True))  # fmt: skip
        inputs = [rng.uniform(size=(8, 8, 8, 1)).astype("float32")]
        targets = [rng.integers(0, 3, size=(8,)).astype("int32")]
    else:
        model = lstm(K)
        model.compile(optimizer="adam", loss="mse")
        inputs = [rng.normal(size=(8, 5, 3)).astype("float32")]
        targets = [rng.normal(size=(8, 1)).astype("float32")]
    fit(model, inputs, targets)
    return model, inputs


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for seed, name in enumerate(("mlp", "two_io", "cnn", "lstm")):
        keras.utils.set_random_seed(seed)
        model, inputs = build(keras, name, seed)
        model.save(os.path.join(directory, f"keras3_{name}.h5"))
        record(directory, f"keras3_{name}", model, inputs, keras.__version__)
        tf_keras.utils.set_random_seed(seed)
        model, inputs = build(tf_keras, name, seed)
        model.save(os.path.join(directory, f"keras2_{name}.h5"), save_format="h5")
        record(directory, f"keras2_{name}", model, inputs, tf_keras.__version__)
        if name in ("mlp", "two_io"):
            model.save_weights(os.path.join(directory, f"keras2_{name}_weights.h5"))
    print(f"wrote legacy .h5 files of Keras {keras.__version__} and {tf_keras.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
