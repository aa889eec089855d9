"""Keras 3's side of Plexus's attention fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/<case>.json for every case below, and the .keras file

Each layer case builds a MultiHeadAttention layer (named after the case, called on symbolic
inputs so that its config has a build_config), gives it deterministic weights from a seeded
NumPy generator, runs it on fixed inputs with return_attention_scores=True and writes, as JSON:

  layer              serialize_keras_object(layer): the config Plexus must rebuild and write back
  inputs             query, value and (when the case passes one) key
  attention_mask     0/1 values (B, T, S), or for attention over axes the scores' layout without
                     the heads (B, other axes..., query axes..., key axes...), or absent
  use_causal_mask    whether the call passes use_causal_mask=True
  weights            every weight in Keras's order (layer.weights): {"path", "shape", "values"}
  outputs            [attention output, attention scores]
  cotangents         one cotangent c_i per output
  gradients          d sum_i(sum(y_i * c_i)) / d each input ("inputs", a list) and / d every
                     trainable weight, in Keras's order ("weights", a list)

Inputs, weights and cotangents are float32 values; Keras computes in float64 on them (JAX with
x64 enabled, the layer rebuilt with dtype float64). Tensors are {"shape", "values"}, row-major.

The model case (attention_block) is a Functional model (Input → causal self-attention → Add →
LayerNormalization → Dense) that Keras builds, compiles, trains for an epoch of two steps and
saves as DIR/attention_block.keras; DIR/attention_block.json holds inputs, Keras's predictions
and the optimizer's iteration count. The other models are saved the same way:
attention_scores_model and attention_mask_model (MultiHeadAttention returning its scores, and
with an attention_mask input), and luong_attention_model (keras.layers.Attention with
use_causal_mask and AdditiveAttention on Embedding-masked token ids).
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

# name: (keyword arguments, query shape, value shape, key shape or None, mask?, causal?); mask
# is False, True (a (B, T, S) mask) or the mask's shape (the scores' layout without the heads).
CASES = {
    "self_attention": (dict(num_heads=2, key_dim=3), (2, 4, 6), (2, 4, 6), None, False, False),
    "cross_attention_key": (
        dict(num_heads=2, key_dim=4, value_dim=3),
        (2, 3, 5),
        (2, 4, 6),
        (2, 4, 2),
        False,
        False,
    ),
    "attention_mask": (
        dict(num_heads=3, key_dim=2, kernel_initializer="he_normal"),
        (2, 3, 4),
        (2, 5, 4),
        None,
        True,
        False,
    ),
    "causal_mask": (dict(num_heads=2, key_dim=3), (2, 4, 6), (2, 4, 6), None, False, True),
    # Rank-4 inputs: attention over both axes of a (height, width) map, and over one axis with
    # the other a batch-like axis.
    "attention_axes_2d": (dict(num_heads=2, key_dim=3), (2, 3, 2, 5), (2, 3, 2, 5), None, False,
                          False),
    "attention_axes_inner": (
        dict(num_heads=2, key_dim=2, attention_axes=(2,)),
        (2, 3, 4, 5),
        (2, 3, 2, 4),
        None,
        False,
        False,
    ),
    # Masks with attention over axes: over both axes of the map, one (B, H, W, H, W) mask; over
    # the inner axis, a (B, 1, W, S) mask that broadcasts over the outer axis.
    "attention_axes_2d_mask": (dict(num_heads=2, key_dim=3), (2, 3, 2, 5), (2, 3, 2, 5), None,
                               (2, 3, 2, 3, 2), False),
    "attention_axes_inner_mask": (
        dict(num_heads=2, key_dim=2, attention_axes=(2,)),
        (2, 3, 4, 5),
        (2, 3, 2, 4),
        None,
        (2, 1, 4, 2),
        False,
    ),
    "causal_and_attention_mask": (
        dict(num_heads=1, key_dim=4),
        (1, 5, 3),
        (1, 5, 3),
        (1, 5, 2),
        True,
        True,
    ),
    "output_shape_no_bias": (
        dict(num_heads=2, key_dim=3, value_dim=5, output_shape=7, use_bias=False),
        (1, 3, 4),
        (1, 2, 3),
        None,
        False,
        False,
    ),
}


def rounded(values, digits):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values, digits=9):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values, digits)}


def float32_values(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape).astype(np.float32).astype(np.float64)


def with_dtype(serialized, dtype):
    """The serialized layer with its dtype set to `dtype`."""
    result = json.loads(json.dumps(serialized))
    result["config"]["dtype"] = dtype
    return result


def write_case(directory, name, kwargs, q_shape, v_shape, k_shape, masked, causal):
    rng = np.random.default_rng(sum(map(ord, name)))
    layer = L.MultiHeadAttention(name=name, **kwargs)
    symbolic = [keras.Input(q_shape[1:]), keras.Input(v_shape[1:])]
    if k_shape is not None:
        layer(symbolic[0], symbolic[1], key=keras.Input(k_shape[1:]))
    else:
        layer(symbolic[0], symbolic[1])
    serialized = json.loads(json.dumps(serialize_keras_object(layer)))

    keras.config.set_floatx("float64")
    # Built from the config's build_config.
    twin = deserialize_keras_object(with_dtype(serialized, "float64"))

    weights = [float32_values(rng, v.shape) for v in twin.weights]
    twin.set_weights(weights)
    inputs = [float32_values(rng, s) for s in (q_shape, v_shape, k_shape) if s is not None]
    mask = None
    if masked:
        mask_shape = masked if isinstance(masked, tuple) else (q_shape[0], q_shape[1], v_shape[1])
        key_axes = len(kwargs.get("attention_axes") or range(1, len(q_shape) - 1))
        mask = rng.uniform(size=mask_shape) < 0.6
        # No query step has every source step masked.
        mask[(Ellipsis,) + (0,) * key_axes] = True
        mask = mask.astype(np.float64)

    trainable = [v.value for v in twin.trainable_variables]
    frozen = [v.value for v in twin.non_trainable_variables]

    def run(trainable, inputs):
        options = dict(return_attention_scores=True, use_causal_mask=causal)
        if len(inputs) == 3:
            options["key"] = inputs[2]
        if mask is not None:
            options["attention_mask"] = jnp.asarray(mask > 0.5)
        (output, scores), _ = twin.stateless_call(
            trainable, frozen, inputs[0], inputs[1], **options
        )
        return [output, scores]

    probe = run(trainable, [jnp.asarray(x) for x in inputs])
    cotangents = [float32_values(rng, p.shape) for p in probe]

    def objective(trainable, inputs):
        ys = run(trainable, inputs)
        return sum(jnp.sum(a * c) for a, c in zip(ys, cotangents)), ys

    (weight_grads, input_grads), ys = jax.grad(objective, argnums=(0, 1), has_aux=True)(
        trainable, [jnp.asarray(x) for x in inputs]
    )

    fixture = {
        "keras": keras.__version__,
        "layer": serialized,
        "inputs": [tensor(x) for x in inputs],
        "use_causal_mask": causal,
        "weights": [dict(tensor(w), path=v.path) for v, w in zip(twin.weights, weights)],
        "outputs": [tensor(y, 10) for y in ys],
        "cotangents": [tensor(c) for c in cotangents],
        "gradients": {
            "inputs": [tensor(g, 10) for g in input_grads],
            "weights": [tensor(g, 10) for g in weight_grads],
        },
    }
    if mask is not None:
        fixture["attention_mask"] = tensor(mask)
    keras.config.set_floatx("float32")
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def attention_block():
    inputs = keras.Input((6, 8), name="tokens")
    attended = L.MultiHeadAttention(2, 4, name="self_attention")(
        inputs, inputs, use_causal_mask=True
    )
    hidden = L.Add(name="residual")([inputs, attended])
    hidden = L.LayerNormalization(name="norm")(hidden)
    outputs = L.Dense(3, name="head")(hidden)
    model = keras.Model(inputs, outputs, name="attention_block")
    rng = np.random.default_rng(9)
    x = rng.normal(size=(8, 6, 8)).astype("float32")
    y = rng.normal(size=(8, 6, 3)).astype("float32")
    return model, x, y


def attention_scores_model():
    # return_attention_scores=True in a graph: the scores are a model output of their own.
    query = keras.Input((5, 8), name="query")
    value = keras.Input((6, 4), name="value")
    attended, scores = L.MultiHeadAttention(2, 3, name="cross")(
        query, value, return_attention_scores=True
    )
    outputs = L.Dense(3, name="head")(attended)
    model = keras.Model([query, value], [outputs, scores], name="attention_scores_model")
    rng = np.random.default_rng(10)
    x = [rng.normal(size=(8, 5, 8)).astype("float32"), rng.normal(size=(8, 6, 4)).astype("float32")]
    y = [rng.normal(size=(8, 5, 3)).astype("float32"),
         rng.uniform(size=(8, 2, 5, 6)).astype("float32")]
    return model, x, y


def attention_mask_model():
    # An explicit attention_mask from a model input, on a plain call and on one that also
    # returns the scores (both recorded as the node's keyword tensors). The scores are no
    # model output: Keras gives them the attention mask as their Keras mask, which its loss
    # then fails to broadcast.
    tokens = keras.Input((6, 8), name="tokens")
    allowed = keras.Input((6, 6), name="allowed")
    attended = L.MultiHeadAttention(2, 4, name="masked")(tokens, tokens, attention_mask=allowed)
    second, scores = L.MultiHeadAttention(2, 3, name="masked_scores")(
        attended, attended, attention_mask=allowed, return_attention_scores=True
    )
    outputs = L.Dense(3, name="head")(second)
    del scores
    model = keras.Model([tokens, allowed], outputs, name="attention_mask_model")
    rng = np.random.default_rng(11)
    # Each row attends to itself at least, so no row is wholly masked.
    allowed_values = np.maximum(rng.uniform(size=(8, 6, 6)) > 0.4, np.eye(6)).astype("float32")
    x = [rng.normal(size=(8, 6, 8)).astype("float32"), allowed_values]
    y = rng.normal(size=(8, 6, 3)).astype("float32")
    return model, x, y


def luong_attention_model():
    # keras.layers.Attention and AdditiveAttention on masked token sequences: the query's and
    # value's masks (Embedding mask_zero) reach both through Keras's automatic masks, the first
    # called with use_causal_mask=True (a node keyword beside the list of inputs).
    query = keras.Input((5,), dtype="int32", name="query_tokens")
    value = keras.Input((6,), dtype="int32", name="value_tokens")
    embed = L.Embedding(12, 4, mask_zero=True, name="embed")
    q, v = embed(query), embed(value)
    dot = L.Attention(use_scale=True, score_mode="concat", name="luong")([q, v], use_causal_mask=True)
    additive = L.AdditiveAttention(name="bahdanau")([q, v])
    # Pooled apart (the query's mask reaches each pooling): Keras saves a merge of masked
    # tensors with its mask ops as graph nodes.
    outputs = [
        L.Dense(2, name="dot_head")(L.GlobalAveragePooling1D(name="dot_pool")(dot)),
        L.Dense(2, name="additive_head")(L.GlobalAveragePooling1D(name="additive_pool")(additive)),
    ]
    model = keras.Model([query, value], outputs, name="luong_attention_model")
    rng = np.random.default_rng(12)
    # Padding (id 0) at the end of most rows; never a whole row.
    q_ids = rng.integers(1, 12, size=(8, 5))
    v_ids = rng.integers(1, 12, size=(8, 6))
    for row in range(8):
        q_ids[row, 5 - row % 3:] = 0
        v_ids[row, 6 - row % 4:] = 0
    x = [q_ids.astype("int32"), v_ids.astype("int32")]
    y = [rng.normal(size=(8, 2)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")]
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
    for name, case in CASES.items():
        write_case(directory, name, *case)
    write_model(directory, "attention_block", attention_block)
    write_model(directory, "attention_scores_model", attention_scores_model)
    write_model(directory, "attention_mask_model", attention_mask_model)
    write_model(directory, "luong_attention_model", luong_attention_model)
    print(f"wrote {len(CASES)} fixtures and 4 models of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
