"""Keras 3's side of the parity fixtures of the second batch of layers (run by generate.sh).

  python generate.py DIR     writes DIR/<case>.json for every case below, and
                             DIR/embedding_model.keras with DIR/embedding_model.json

Each case builds a Keras layer (named after the case, called on symbolic inputs so that its
config has a build_config), gives it deterministic weights from a seeded NumPy generator (or,
for Normalization with `adapt`, the statistics of `adapt_data`), runs it on fixed inputs and
writes, as JSON:

  layer              serialize_keras_object(layer): the config Plexus must rebuild and write back
  training           the training flag of the call (False for the random layers: at inference
                     they are the identity, which is what can be compared)
  inputs             the inputs, each {"dtype", "shape", "values"} (int32 ids for Embedding)
  cotangent          c, of the output's shape
  weights            every weight by its name, in Keras's order (weight_order)
  adapt_data         Normalization: the data `adapt` saw
  output             y = layer(inputs)
  mask               Embedding and Masking: layer.compute_mask(inputs), as 0 and 1
  call_options       the call's keyword options (Attention's use_causal_mask), when any
  input_masks        the masks passed to the call (Attention's [query mask, value mask], each
                     0/1 values or null), when any
  gradients          d sum(y * c) / d every floating input ("input_0", ...) and every trainable
                     weight, by name

Inputs, weights and cotangents are float32 values; Keras computes in float64 on them (JAX with
x64 enabled, the layer rebuilt with dtype float64), so the fixtures hold the exact answer.

The .keras case is a small Embedding model compiled and fitted one step, with its inputs and
Keras's predictions, for Plexus's loadModel.
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
from keras import layers  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402

L = layers


def ids(shape, high):
    return ("int32", shape, high)


# name: (class, keyword arguments, input shapes with the batch (ids(...) for integer inputs),
#        extra settings: "adapt" (the shape of the data Normalization adapts to))
CASES = {
    # Core
    "embedding": (L.Embedding, dict(input_dim=7, output_dim=3), [ids((2, 5), 7)], {}),
    "embedding_mask_zero": (
        L.Embedding,
        dict(input_dim=6, output_dim=4, mask_zero=True),
        [ids((3, 4), 6)],
        {},
    ),
    "embedding_rank3_ids": (L.Embedding, dict(input_dim=5, output_dim=2), [ids((2, 2, 3), 5)], {}),
    # Merging
    "multiply": (L.Multiply, dict(), [(2, 3, 4), (2, 3, 4)], {}),
    "multiply_three": (L.Multiply, dict(), [(2, 5), (2, 5), (2, 5)], {}),
    "subtract": (L.Subtract, dict(), [(2, 3, 4), (2, 3, 4)], {}),
    "average": (L.Average, dict(), [(2, 4), (2, 4), (2, 4)], {}),
    "maximum": (L.Maximum, dict(), [(3, 4), (3, 4)], {}),
    "minimum": (L.Minimum, dict(), [(2, 3, 2), (2, 3, 2), (2, 3, 2)], {}),
    "dot": (L.Dot, dict(axes=1), [(3, 4), (3, 4)], {}),
    "dot_normalize": (L.Dot, dict(axes=1, normalize=True), [(3, 4), (3, 4)], {}),
    "dot_rank3": (L.Dot, dict(axes=2), [(2, 3, 4), (2, 5, 4)], {}),
    "dot_rank3_pair": (L.Dot, dict(axes=[1, 2]), [(2, 3, 4), (2, 5, 3)], {}),
    "dot_rank3_normalize": (L.Dot, dict(axes=(1, 1), normalize=True), [(2, 3, 4), (2, 3, 2)], {}),
    # Reshaping
    "repeat_vector": (L.RepeatVector, dict(n=3), [(2, 4)], {}),
    "permute": (L.Permute, dict(dims=(2, 1)), [(2, 3, 4)], {}),
    "permute_rank4": (L.Permute, dict(dims=(3, 1, 2)), [(2, 3, 4, 2)], {}),
    # Core
    "masking": (L.Masking, dict(), [(2, 4, 3)], {"zero_steps": [(0, 1), (1, 3)]}),
    "masking_value": (L.Masking, dict(mask_value=0.5), [(2, 3, 2)], {"value_steps": [(1, 0)]}),
    # Regularization (the identity at inference)
    "gaussian_noise": (L.GaussianNoise, dict(stddev=0.3), [(2, 3)], {}),
    "gaussian_dropout": (L.GaussianDropout, dict(rate=0.3), [(2, 3)], {}),
    "activity_regularization": (L.ActivityRegularization, dict(l1=0.01, l2=0.02), [(2, 3)], {}),
    "spatial_dropout1d": (L.SpatialDropout1D, dict(rate=0.4), [(2, 3, 4)], {}),
    "spatial_dropout2d": (L.SpatialDropout2D, dict(rate=0.25), [(2, 3, 3, 2)], {}),
    # Activations
    "relu": (L.ReLU, dict(), [(2, 3, 4)], {}),
    "relu_slope": (L.ReLU, dict(negative_slope=0.2), [(3, 4)], {}),
    "relu_threshold": (L.ReLU, dict(threshold=0.3), [(3, 4)], {}),
    "relu_max6": (L.ReLU, dict(max_value=6.0), [(3, 4)], {}),
    "relu_all_options": (
        L.ReLU,
        dict(max_value=0.5, negative_slope=0.1, threshold=0.2),
        [(4, 5)],
        {},
    ),
    "leaky_relu": (L.LeakyReLU, dict(), [(2, 3, 4)], {}),
    "leaky_relu_slope": (L.LeakyReLU, dict(negative_slope=0.05), [(3, 4)], {}),
    "elu": (L.ELU, dict(), [(2, 3, 4)], {}),
    "prelu": (L.PReLU, dict(), [(2, 3, 4)], {}),
    "prelu_shared_axes": (L.PReLU, dict(shared_axes=[1, 2]), [(2, 3, 3, 2)], {}),
    "softmax": (L.Softmax, dict(), [(2, 3, 4)], {}),
    "softmax_axis1": (L.Softmax, dict(axis=1), [(2, 3, 4)], {}),
    "identity": (L.Identity, dict(), [(2, 3)], {}),
    # Reshaping in 1-D
    "zero_padding1d": (L.ZeroPadding1D, dict(padding=(1, 2)), [(2, 3, 4)], {}),
    "zero_padding1d_int": (L.ZeroPadding1D, dict(padding=2), [(2, 2, 3)], {}),
    "cropping1d": (L.Cropping1D, dict(cropping=(1, 2)), [(2, 5, 3)], {}),
    "up_sampling1d": (L.UpSampling1D, dict(size=3), [(2, 3, 2)], {}),
    # Normalization
    "unit_normalization": (L.UnitNormalization, dict(), [(3, 4)], {}),
    "unit_normalization_axes": (L.UnitNormalization, dict(axis=[1, 2]), [(2, 3, 4)], {}),
    "group_normalization": (L.GroupNormalization, dict(groups=2), [(2, 3, 4)], {}),
    "group_normalization_instance": (
        L.GroupNormalization,
        dict(groups=-1, axis=1, epsilon=1e-5),
        [(2, 4, 3)],
        {},
    ),
    "group_normalization_plain": (
        L.GroupNormalization,
        dict(groups=1, center=False, scale=False),
        [(2, 2, 2, 4)],
        {},
    ),
    # Preprocessing
    "rescaling": (L.Rescaling, dict(scale=1 / 255.0), [(2, 3)], {}),
    "rescaling_offset": (L.Rescaling, dict(scale=2.0, offset=-1.0), [(2, 2, 3)], {}),
    "normalization_given": (
        L.Normalization,
        dict(mean=[0.5, -1.0, 2.0], variance=[1.0, 4.0, 0.25]),
        [(4, 3)],
        {},
    ),
    "normalization_given_invert": (
        L.Normalization,
        dict(mean=[0.5, -1.0], variance=[1.0, 4.0], invert=True),
        [(3, 2)],
        {},
    ),
    # Attention: "call" holds the call's keyword options, "masks" the query's and value's
    # masks as (batch, step) pairs set to False.
    "attention_dot": (L.Attention, dict(), [(2, 3, 4), (2, 5, 4)], {}),
    "attention_scale_key": (L.Attention, dict(use_scale=True), [(2, 3, 4), (2, 5, 3), (2, 5, 4)], {}),
    "attention_concat": (L.Attention, dict(score_mode="concat"), [(2, 3, 4), (2, 5, 4)], {}),
    "attention_concat_scale": (
        L.Attention,
        dict(use_scale=True, score_mode="concat", dropout=0.2, seed=7),
        [(2, 3, 4), (2, 5, 4)],
        {},
    ),
    "attention_causal_masks": (
        L.Attention,
        dict(use_scale=True),
        [(2, 4, 3), (2, 4, 3)],
        {"call": {"use_causal_mask": True}, "masks": [[(0, 3), (1, 1)], [(0, 2), (1, 3)]]},
    ),
    "attention_value_mask": (
        L.Attention,
        dict(),
        [(2, 3, 4), (2, 5, 4)],
        {"masks": [None, [(0, 4), (1, 0), (1, 1)]]},
    ),
    "additive_attention": (L.AdditiveAttention, dict(), [(2, 3, 4), (2, 5, 4)], {}),
    "additive_attention_no_scale_key": (
        L.AdditiveAttention,
        dict(use_scale=False),
        [(2, 3, 4), (2, 5, 2), (2, 5, 4)],
        {},
    ),
    "additive_attention_causal_masks": (
        L.AdditiveAttention,
        dict(),
        [(2, 4, 3), (2, 5, 3)],
        {"call": {"use_causal_mask": True}, "masks": [[(1, 2)], [(0, 4), (1, 2)]]},
    ),
    # CategoryEncoding: ids up to 7 against 6 tokens, so some fall outside (zeros).
    "category_encoding_multi_hot": (
        L.CategoryEncoding, dict(num_tokens=6), [ids((3, 4), 8)], {}),
    "category_encoding_one_hot": (
        L.CategoryEncoding, dict(num_tokens=5, output_mode="one_hot"), [ids((4, 1), 6)], {}),
    "category_encoding_one_hot_rank2": (
        L.CategoryEncoding, dict(num_tokens=4, output_mode="one_hot"), [ids((2, 3), 5)], {}),
    "category_encoding_count": (
        L.CategoryEncoding, dict(num_tokens=5, output_mode="count"), [ids((3, 6), 5)], {}),
    # Volumes: the 3-D convolution, poolings and reshapings.
    "conv3d": (L.Conv3D, dict(filters=3, kernel_size=(2, 3, 2)), [(2, 4, 5, 4, 2)], {}),
    "conv3d_same_strides": (
        L.Conv3D,
        dict(filters=4, kernel_size=3, strides=(2, 1, 2), padding="same", activation="relu"),
        [(2, 5, 4, 5, 3)],
        {},
    ),
    "conv3d_dilation_groups": (
        L.Conv3D,
        dict(filters=4, kernel_size=(2, 2, 2), dilation_rate=(2, 1, 1), groups=2),
        [(1, 5, 4, 4, 4)],
        {},
    ),
    "conv3d_transpose": (
        L.Conv3DTranspose, dict(filters=3, kernel_size=(2, 3, 2), strides=(2, 1, 2)),
        [(2, 3, 4, 3, 2)], {}),
    "conv3d_transpose_same": (
        L.Conv3DTranspose,
        dict(filters=2, kernel_size=3, strides=(2, 2, 1), padding="same", activation="relu"),
        [(1, 3, 3, 4, 3)],
        {},
    ),
    # (XLA in jax 0.10 aborts on the gradient of "same" padding with output_padding in 3-D.)
    "conv3d_transpose_output_padding": (
        L.Conv3DTranspose,
        dict(filters=2, kernel_size=(2, 2, 3), strides=(3, 2, 2), output_padding=(2, 1, 1)),
        [(2, 2, 3, 2, 2)],
        {},
    ),
    "conv3d_transpose_dilated": (
        L.Conv3DTranspose, dict(filters=2, kernel_size=(3, 2, 2), dilation_rate=(2, 1, 1)),
        [(1, 3, 2, 3, 2)], {}),
    "max_pooling3d": (L.MaxPooling3D, dict(pool_size=2), [(2, 4, 5, 4, 3)], {}),
    "max_pooling3d_same": (
        L.MaxPooling3D,
        dict(pool_size=(3, 2, 2), strides=(2, 2, 1), padding="same"),
        [(2, 5, 5, 3, 2)],
        {},
    ),
    "average_pooling3d": (L.AveragePooling3D, dict(pool_size=2, strides=1), [(1, 3, 3, 3, 2)], {}),
    "average_pooling3d_same": (
        L.AveragePooling3D,
        dict(pool_size=(2, 3, 2), strides=(2, 2, 2), padding="same"),
        [(2, 5, 4, 5, 2)],
        {},
    ),
    "global_max_pooling3d": (L.GlobalMaxPooling3D, dict(), [(2, 3, 2, 4, 3)], {}),
    "global_average_pooling3d_keepdims": (
        L.GlobalAveragePooling3D, dict(keepdims=True), [(2, 3, 2, 4, 3)], {}),
    "up_sampling3d": (L.UpSampling3D, dict(size=(2, 1, 3)), [(2, 2, 3, 2, 2)], {}),
    "zero_padding3d": (
        L.ZeroPadding3D, dict(padding=((1, 0), (0, 2), (1, 1))), [(2, 2, 2, 3, 2)], {}),
    "cropping3d": (L.Cropping3D, dict(cropping=((1, 0), (0, 2), (1, 1))), [(2, 4, 5, 4, 2)], {}),
    "normalization_adapt": (L.Normalization, dict(), [(4, 3)], {"adapt": (10, 3)}),
    "normalization_adapt_axis1": (
        L.Normalization,
        dict(axis=1),
        [(2, 3, 2)],
        {"adapt": (6, 3, 2)},
    ),
    "normalization_adapt_invert": (
        L.Normalization,
        dict(invert=True),
        [(3, 2)],
        {"adapt": (8, 2)},
    ),
}


def rounded(values, digits):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values, digits=9, dtype="float32"):
    values = np.asarray(values)
    return {"dtype": dtype, "shape": list(values.shape), "values": rounded(values, digits)}


def float32_values(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape).astype(np.float32).astype(np.float64)


def make_inputs(rng, specs, extra):
    inputs = []
    for spec in specs:
        if isinstance(spec[0], str):
            _, shape, high = spec
            inputs.append(rng.integers(0, high, shape).astype(np.int32))
        else:
            inputs.append(float32_values(rng, spec))
    # Masking: whole time steps at the mask value, so that the mask has both values.
    for batch, step in extra.get("zero_steps", []):
        inputs[0][batch, step, :] = 0.0
    for batch, step in extra.get("value_steps", []):
        inputs[0][batch, step, :] = 0.5
    return inputs


def symbolic(specs):
    result = [
        keras.Input(spec[1][1:], dtype=spec[0]) if isinstance(spec[0], str) else keras.Input(spec[1:])
        for spec in specs
    ]
    return result if len(result) > 1 else result[0]


def write_case(directory, name, cls, kwargs, specs, extra):
    rng = np.random.default_rng(sum(map(ord, name)))
    layer = cls(name=name, **kwargs)
    layer(symbolic(specs))
    serialized = serialize_keras_object(layer)
    config = dict(serialized["config"], dtype="float64")
    twin = cls.from_config(config)
    shapes = [(None,) + tuple((s[1] if isinstance(s[0], str) else s)[1:]) for s in specs]
    twin.build(shapes if len(shapes) > 1 else shapes[0])

    adapt_data = None
    if "adapt" in extra:
        adapt_data = float32_values(rng, extra["adapt"], -2.0, 3.0)
        twin.adapt(adapt_data)
        weights = {v.name: np.asarray(v.value, np.float64) for v in twin.weights}
    else:
        weights = {v.name: float32_values(rng, v.shape) for v in twin.weights}
        twin.set_weights([weights[v.name] for v in twin.weights])
    inputs = make_inputs(rng, specs, extra)
    floating = [i for i, x in enumerate(inputs) if x.dtype == np.float64]

    trainable = [v.value for v in twin.trainable_variables]
    frozen = [v.value for v in twin.non_trainable_variables]

    masks = None
    if "masks" in extra:
        masks = []
        for spec, dropped in zip(specs, extra["masks"]):
            if dropped is None:
                masks.append(None)
                continue
            mask = np.ones(spec[:-1], bool)
            for batch, step in dropped:
                mask[batch, step] = False
            masks.append(mask)
    options = dict(extra.get("call", {}))
    if masks is not None:
        options["mask"] = [None if m is None else jnp.asarray(m) for m in masks]

    def run(trainable, floats):
        values = [jnp.asarray(x) for x in inputs]
        for index, value in zip(floating, floats):
            values[index] = value
        y, _ = twin.stateless_call(
            trainable, frozen, values if len(values) > 1 else values[0], **options
        )
        return y

    floats = [jnp.asarray(inputs[i]) for i in floating]
    probe = run(trainable, floats)
    cotangent = float32_values(rng, probe.shape)

    def objective(trainable, floats):
        y = run(trainable, floats)
        return jnp.sum(y * cotangent), y

    (weight_grads, input_grads), y = jax.grad(objective, argnums=(0, 1), has_aux=True)(
        trainable, floats
    )

    fixture = {
        "keras": keras.__version__,
        "compute_dtype": "float64",
        "layer": json.loads(json.dumps(serialized)),
        "training": False,
        "inputs": [
            tensor(x, dtype="int32" if x.dtype == np.int32 else "float32") for x in inputs
        ],
        "cotangent": tensor(cotangent),
        "weight_order": [v.name for v in twin.weights],
        "weights": {
            v.name: tensor(weights[v.name], dtype=str(np.asarray(v.value).dtype).replace("64", "32"))
            for v in twin.weights
        },
        "output": tensor(y, 10),
        "gradients": {f"input_{i}": tensor(g, 10) for i, g in zip(floating, input_grads)}
        | {v.name: tensor(g, 10) for v, g in zip(twin.trainable_variables, weight_grads)},
    }
    if adapt_data is not None:
        fixture["adapt_data"] = tensor(adapt_data)
    if "call" in extra:
        fixture["call_options"] = extra["call"]
    if masks is not None:
        fixture["input_masks"] = [
            None if m is None else tensor(np.asarray(m, np.float64), dtype="bool") for m in masks
        ]
    if cls in (L.Embedding, L.Masking):
        mask = twin.compute_mask(jnp.asarray(inputs[0]), None)
        if mask is not None:
            fixture["mask"] = tensor(np.asarray(mask, np.float64))
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def embedding_model(directory):
    """Embedding → GlobalAveragePooling1D → Dense, fitted one step and saved by Keras."""
    keras.utils.set_random_seed(1234)
    jax.config.update("jax_enable_x64", False)
    model = keras.Sequential(
        [
            keras.Input((6,), dtype="int32"),
            L.Embedding(20, 4, name="embed"),
            L.GlobalAveragePooling1D(name="pool"),
            L.Dense(1, activation="sigmoid", name="score"),
        ],
        name="embedding_model",
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    rng = np.random.default_rng(5)
    x = rng.integers(0, 20, size=(8, 6)).astype("int32")
    y = rng.integers(0, 2, size=(8, 1)).astype("float32")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save(os.path.join(directory, "embedding_model.keras"))
    probe = x[:3]
    predicted = np.asarray(model.predict(probe, verbose=0), np.float64)
    record = {
        "keras_version": keras.__version__,
        "inputs": [{"shape": list(probe.shape), "values": probe.ravel().tolist()}],
        "outputs": [{"shape": list(predicted.shape), "values": predicted.ravel().tolist()}],
        "iterations": int(model.optimizer.iterations),
    }
    with open(os.path.join(directory, "embedding_model.json"), "w") as file:
        json.dump(record, file, indent=1)
        file.write("\n")


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (cls, kwargs, specs, extra) in CASES.items():
        write_case(directory, name, cls, kwargs, specs, extra)
    embedding_model(directory)
    print(f"wrote {len(CASES)} fixtures and a .keras file of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
