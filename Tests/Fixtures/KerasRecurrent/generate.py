"""Keras 3's side of Plexus's recurrent-layer fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/<case>.json for every case below, and the .keras files

Each layer case builds a Keras layer (named after the case, called on a symbolic input so that
its config has a build_config), gives it deterministic weights from a seeded NumPy generator,
runs it on a fixed input and writes, as JSON:

  layer              serialize_keras_object(layer): the config Plexus must rebuild and write back
  input              the input x
  weights            every weight in Keras's order (layer.weights): {"path", "shape", "values"}
  outputs            what layer(x) returns, as a list (several with return_state or merge_mode
                     None)
  cotangents         one cotangent c_i per output
  gradients          d sum_i(sum(y_i * c_i)) / d input ("input") and / d every trainable weight,
                     in Keras's order ("weights", a list)

Inputs, weights and cotangents are float32 values; Keras computes in float64 on them (JAX with
x64 enabled, the layer rebuilt with dtype float64; SimpleRNN in float32, see write_case).
ONLY=<prefix> limits the layer cases to names starting with it. Tensors are {"shape", "values"}, row-major.

Each model case (lstm_model, bidirectional_gru_model, seq2seq_model: an encoder LSTM whose
return_state feeds a decoder LSTM's initial_state, its h also a model output, and
bidirectional_seq2seq_model: a Bidirectional encoder's states start a decoder and a
Bidirectional without merge mode) is a small model
that Keras builds,
compiles, trains for a few steps and saves as DIR/<case>.keras; DIR/<case>.json holds inputs,
Keras's predictions and the optimizer's iteration count.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402
from keras.saving import deserialize_keras_object, serialize_keras_object  # noqa: E402


def bidirectional(layer, **kwargs):
    return lambda name, **_: L.Bidirectional(layer, name=name, **kwargs)


def time_distributed(layer):
    return lambda name, **_: L.TimeDistributed(layer, name=name)


# name: (class or factory, keyword arguments, input shape with the batch)
CASES = {
    "lstm": (L.LSTM, dict(units=3), (2, 4, 5)),
    "lstm_sequences_backwards": (
        L.LSTM,
        dict(units=3, return_sequences=True, go_backwards=True),
        (2, 3, 4),
    ),
    "lstm_state": (L.LSTM, dict(units=2, return_sequences=True, return_state=True), (2, 3, 3)),
    "lstm_no_bias_hard_sigmoid": (
        L.LSTM,
        dict(
            units=2,
            use_bias=False,
            unit_forget_bias=False,
            recurrent_activation="hard_sigmoid",
            activation="relu",
        ),
        (1, 5, 3),
    ),
    "gru": (L.GRU, dict(units=3), (2, 4, 5)),
    "gru_reset_before": (
        L.GRU,
        dict(units=3, reset_after=False, return_sequences=True),
        (2, 4, 3),
    ),
    "gru_state_backwards_no_bias": (
        L.GRU,
        dict(units=2, return_state=True, go_backwards=True, use_bias=False),
        (2, 3, 4),
    ),
    "gru_reset_before_state": (
        L.GRU,
        dict(units=2, reset_after=False, return_state=True, go_backwards=True),
        (1, 4, 3),
    ),
    "simple_rnn": (L.SimpleRNN, dict(units=4), (2, 4, 3)),
    "simple_rnn_sequences_relu_backwards": (
        L.SimpleRNN,
        dict(units=3, activation="relu", return_sequences=True, go_backwards=True),
        (2, 3, 2),
    ),
    "simple_rnn_state_no_bias": (
        L.SimpleRNN,
        dict(units=2, return_state=True, use_bias=False),
        (2, 3, 3),
    ),
    "bidirectional_lstm_concat": (
        bidirectional(L.LSTM(3, return_sequences=True)),
        {},
        (2, 4, 3),
    ),
    "bidirectional_gru_sum": (bidirectional(L.GRU(2), merge_mode="sum"), {}, (2, 3, 4)),
    "bidirectional_simple_rnn_mul": (
        bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode="mul"),
        {},
        (1, 4, 2),
    ),
    "bidirectional_gru_ave_reset_before": (
        bidirectional(L.GRU(2, reset_after=False), merge_mode="ave"),
        {},
        (2, 3, 3),
    ),
    "bidirectional_lstm_none": (
        bidirectional(L.LSTM(2, return_sequences=True), merge_mode=None),
        {},
        (2, 3, 2),
    ),
    "bidirectional_lstm_state": (
        bidirectional(L.LSTM(2, return_state=True)),
        {},
        (2, 3, 3),
    ),
    "bidirectional_custom_backward": (
        bidirectional(
            L.SimpleRNN(2, return_sequences=True),
            backward_layer=L.GRU(3, return_sequences=True, go_backwards=True),
        ),
        {},
        (1, 3, 2),
    ),
    "time_distributed_dense": (
        time_distributed(L.Dense(3, activation="tanh")),
        {},
        (2, 4, 5),
    ),
    "time_distributed_conv1d": (
        time_distributed(L.Conv1D(2, 2)),
        {},
        (1, 3, 4, 2),
    ),
}


def rounded(values, digits):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values, digits=9):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values, digits)}


def float32_values(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape).astype(np.float32).astype(np.float64)


def as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def with_dtype(serialized, dtype):
    """The serialized layer with every nested layer's dtype set to `dtype`."""
    if isinstance(serialized, dict):
        result = {key: with_dtype(value, dtype) for key, value in serialized.items()}
        if "class_name" in result and isinstance(result.get("config"), dict):
            if "dtype" in result["config"]:
                result["config"]["dtype"] = dtype
        return result
    if isinstance(serialized, list):
        return [with_dtype(value, dtype) for value in serialized]
    return serialized


def write_case(directory, name, cls, kwargs, shape):
    try:
        write_case_in(directory, name, cls, kwargs, shape, "float64")
    except TypeError:
        # Keras 3.15's SimpleRNN on JAX gives a float32 state inside its float64 scan; those
        # cases are computed in float32 (JAX's float32 errors are ~1e-7, far inside 1e-5).
        keras.config.set_floatx("float32")
        write_case_in(directory, name, cls, kwargs, shape, "float32")


def write_case_in(directory, name, cls, kwargs, shape, dtype):
    rng = np.random.default_rng(sum(map(ord, name)))
    layer = cls(name=name, **kwargs)
    layer(keras.Input(shape[1:]))
    serialized = serialize_keras_object(layer)
    # Under floatx float64 the cells, which recurrent layers make without a dtype, compute in
    # float64 too.
    keras.config.set_floatx(dtype)
    twin = deserialize_keras_object(with_dtype(json.loads(json.dumps(serialized)), dtype))
    twin.build((None,) + tuple(shape[1:]))

    weights = [float32_values(rng, v.shape) for v in twin.weights]
    twin.set_weights(weights)
    x = float32_values(rng, shape)

    trainable = [v.value for v in twin.trainable_variables]
    frozen = [v.value for v in twin.non_trainable_variables]
    probe, _ = twin.stateless_call(trainable, frozen, jnp.asarray(x))
    cotangents = [float32_values(rng, p.shape) for p in as_list(probe)]

    def objective(trainable, x):
        y, _ = twin.stateless_call(trainable, frozen, x)
        ys = as_list(y)
        return sum(jnp.sum(a * c) for a, c in zip(ys, cotangents)), ys

    (weight_grads, input_grad), ys = jax.grad(objective, argnums=(0, 1), has_aux=True)(
        trainable, jnp.asarray(x)
    )

    fixture = {
        "keras": keras.__version__,
        "compute_dtype": dtype,
        "layer": json.loads(json.dumps(serialized)),
        "input": tensor(x),
        "weights": [dict(tensor(w), path=v.path) for v, w in zip(twin.weights, weights)],
        "outputs": [tensor(y, 10) for y in ys],
        "cotangents": [tensor(c) for c in cotangents],
        "gradients": {
            "input": tensor(input_grad, 10),
            "weights": [tensor(g, 10) for g in weight_grads],
        },
    }
    keras.config.set_floatx("float32")
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def lstm_model():
    model = keras.Sequential(
        [
            keras.Input((5, 3)),
            L.LSTM(4, return_sequences=True, name="encoder"),
            L.LSTM(3, go_backwards=True, name="summary"),
            L.Dense(2, name="out"),
        ],
        name="lstm_model",
    )
    rng = np.random.default_rng(7)
    x = rng.normal(size=(8, 5, 3)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    return model, x, y


def bidirectional_gru_model():
    inputs = keras.Input((6, 3), name="tokens")
    hidden = L.Bidirectional(L.GRU(4, return_sequences=True), name="bigru")(inputs)
    hidden = L.Bidirectional(
        L.LSTM(2, return_sequences=True), merge_mode="sum", name="bilstm"
    )(hidden)
    outputs = L.TimeDistributed(L.Dense(2, activation="tanh"), name="per_step")(hidden)
    model = keras.Model(inputs, outputs, name="bidirectional_gru_model")
    rng = np.random.default_rng(8)
    x = rng.normal(size=(8, 6, 3)).astype("float32")
    y = rng.normal(size=(8, 6, 2)).astype("float32")
    return model, x, y


def seq2seq_model():
    source = keras.Input((5, 3), name="source")
    target = keras.Input((4, 2), name="target")
    _, h, c = L.LSTM(6, return_state=True, name="encoder")(source)
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    outputs = L.Dense(2, name="out")(decoded)
    model = keras.Model([source, target], [outputs, h], name="seq2seq_model")
    rng = np.random.default_rng(9)
    x = [rng.normal(size=(8, 5, 3)).astype("float32"), rng.normal(size=(8, 4, 2)).astype("float32")]
    y = [rng.normal(size=(8, 4, 2)).astype("float32"), rng.normal(size=(8, 6)).astype("float32")]
    return model, x, y


def bidirectional_seq2seq_model():
    # A bidirectional encoder's four states, joined per kind, start a decoder; a second
    # Bidirectional without a merge mode gives its two directions apart, started from the
    # encoder's states as they are.
    source = keras.Input((5, 3), name="source")
    target = keras.Input((4, 2), name="target")
    _, fh, fc, bh, bc = L.Bidirectional(L.LSTM(3, return_state=True), name="encoder")(source)
    h = L.Concatenate(name="h")([fh, bh])
    c = L.Concatenate(name="c")([fc, bc])
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    forward, backward = L.Bidirectional(
        L.LSTM(3, return_sequences=True), merge_mode=None, name="apart"
    )(target, initial_state=[fh, fc, bh, bc])
    joined = L.Concatenate(name="joined")([decoded, forward, backward])
    outputs = L.Dense(2, name="out")(joined)
    model = keras.Model([source, target], [outputs, bh], name="bidirectional_seq2seq_model")
    rng = np.random.default_rng(10)
    x = [rng.normal(size=(8, 5, 3)).astype("float32"), rng.normal(size=(8, 4, 2)).astype("float32")]
    y = [rng.normal(size=(8, 4, 2)).astype("float32"), rng.normal(size=(8, 3)).astype("float32")]
    return model, x, y


def write_model(directory, name, make):
    keras.utils.set_random_seed(3)
    jax.config.update("jax_enable_x64", False)
    model, x, y = make()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(os.path.join(directory, name + ".keras"))
    inputs = [array[:3] for array in x] if isinstance(x, list) else [x[:3]]
    predicted = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    predicted = [np.asarray(p) for p in predicted] if isinstance(predicted, list) else [
        np.asarray(predicted)]
    record = {
        "keras": keras.__version__,
        "inputs": [{"shape": list(a.shape), "values": a.ravel().tolist()} for a in inputs],
        "outputs": [{"shape": list(p.shape), "values": p.ravel().tolist()} for p in predicted],
        "iterations": int(model.optimizer.iterations),
    }
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(record, file, indent=1)
        file.write("\n")
    jax.config.update("jax_enable_x64", True)


def main(directory):
    os.makedirs(directory, exist_ok=True)
    only = os.environ.get("ONLY")
    for name, (cls, kwargs, shape) in CASES.items():
        if only and not name.startswith(only):
            continue
        write_case(directory, name, cls, kwargs, shape)
    write_model(directory, "lstm_model", lstm_model)
    write_model(directory, "bidirectional_gru_model", bidirectional_gru_model)
    write_model(directory, "seq2seq_model", seq2seq_model)
    write_model(directory, "bidirectional_seq2seq_model", bidirectional_seq2seq_model)
    print(f"wrote {len(CASES)} fixtures and 4 models of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
