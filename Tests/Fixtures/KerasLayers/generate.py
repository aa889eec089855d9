"""Keras 3's side of Plexus's layer parity fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/<case>.json for every case below

Each case builds a Keras layer (named after the case, called on a symbolic input so that its
config has a build_config), gives it deterministic weights from a seeded NumPy generator, runs it
on a fixed input and writes, as JSON:

  layer              serialize_keras_object(layer): the config Plexus must rebuild and write back
  training           the training flag of the call (True for BatchNormalization)
  input, cotangent   the input x and a cotangent c, both of the output's shape for c
  weights            every weight by its name, in Keras's order (weight_order)
  output             y = layer(x, training)
  gradients          d sum(y * c) / d input and / d every trainable weight, by name ("input")
  updated_weights    BatchNormalization: the moving statistics after the training call
  inference_output   BatchNormalization: layer(x, training=False) with those statistics

Inputs, weights and cotangents are float32 values (Plexus computes in float32); Keras computes in
float64 on them (JAX with x64 enabled, the layer rebuilt with dtype float64), so the fixtures hold
the exact answer to float64 precision. Tensors are {"shape": [...], "values": [...]}, row-major.
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
# name: (class, keyword arguments, input shape with the batch)
CASES = {
    # Convolutions
    "conv2d_valid": (L.Conv2D, dict(filters=3, kernel_size=3), (2, 4, 4, 2)),
    "conv2d_same_strided_relu": (
        L.Conv2D,
        dict(filters=4, kernel_size=(3, 2), strides=2, padding="same", activation="relu"),
        (1, 6, 5, 2),
    ),
    "conv2d_dilated_no_bias": (
        L.Conv2D,
        dict(filters=2, kernel_size=2, dilation_rate=(2, 1), use_bias=False),
        (1, 6, 5, 3),
    ),
    "conv2d_groups_same_tanh": (
        L.Conv2D,
        dict(filters=4, kernel_size=3, groups=2, padding="same", activation="tanh"),
        (1, 4, 4, 4),
    ),
    "conv1d_valid_strided": (L.Conv1D, dict(filters=3, kernel_size=3, strides=2), (2, 7, 2)),
    "conv1d_causal_dilated": (
        L.Conv1D,
        dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2),
        (2, 6, 3),
    ),
    "conv1d_same_groups_no_bias": (
        L.Conv1D,
        dict(filters=4, kernel_size=2, padding="same", groups=2, use_bias=False),
        (1, 5, 4),
    ),
    "conv2d_transpose_valid_strided": (
        L.Conv2DTranspose,
        dict(filters=2, kernel_size=3, strides=2),
        (1, 3, 2, 3),
    ),
    "conv2d_transpose_same_strided": (
        L.Conv2DTranspose,
        dict(filters=3, kernel_size=(3, 2), strides=2, padding="same", activation="relu"),
        (1, 2, 3, 2),
    ),
    "conv2d_transpose_stride_over_kernel": (
        L.Conv2DTranspose,
        dict(filters=2, kernel_size=2, strides=3, use_bias=False),
        (1, 2, 2, 2),
    ),
    "conv2d_transpose_same_stride_over_kernel": (
        L.Conv2DTranspose,
        dict(filters=1, kernel_size=(2, 1), strides=3, padding="same"),
        (1, 2, 2, 2),
    ),
    "conv2d_transpose_output_padding": (
        L.Conv2DTranspose,
        dict(filters=2, kernel_size=3, strides=2, padding="same", output_padding=(1, 0)),
        (1, 2, 3, 2),
    ),
    "conv2d_transpose_dilated": (
        L.Conv2DTranspose,
        dict(filters=2, kernel_size=2, dilation_rate=2, padding="same"),
        (1, 3, 3, 2),
    ),
    "conv1d_transpose_valid_strided": (
        L.Conv1DTranspose,
        dict(filters=2, kernel_size=3, strides=2),
        (2, 4, 3),
    ),
    "conv1d_transpose_same_output_padding": (
        L.Conv1DTranspose,
        dict(filters=3, kernel_size=3, strides=2, padding="same", output_padding=1,
             activation="relu"),  # fmt: skip
        (1, 5, 2),
    ),
    "conv1d_transpose_dilated_no_bias": (
        L.Conv1DTranspose,
        dict(filters=2, kernel_size=2, dilation_rate=2, padding="same", use_bias=False),
        (2, 3, 2),
    ),
    "depthwise_conv2d_multiplier": (
        L.DepthwiseConv2D,
        dict(kernel_size=3, depth_multiplier=2),
        (1, 4, 4, 2),
    ),
    "depthwise_conv2d_same_strided": (
        L.DepthwiseConv2D,
        dict(kernel_size=2, strides=2, padding="same", use_bias=False, activation="tanh"),
        (2, 3, 3, 3),
    ),
    "separable_conv2d": (
        L.SeparableConv2D,
        dict(filters=3, kernel_size=3, depth_multiplier=2),
        (1, 4, 4, 2),
    ),
    "separable_conv2d_same_dilated": (
        L.SeparableConv2D,
        dict(filters=2, kernel_size=2, padding="same", dilation_rate=2, activation="relu"),
        (1, 4, 3, 3),
    ),
    "separable_conv2d_same_strided_no_bias": (
        L.SeparableConv2D,
        dict(filters=2, kernel_size=3, strides=2, padding="same", use_bias=False),
        (1, 5, 4, 2),
    ),
    # Pooling
    "max_pooling2d": (L.MaxPooling2D, dict(pool_size=2), (2, 4, 5, 2)),
    "max_pooling2d_same_strided": (
        L.MaxPooling2D,
        dict(pool_size=3, strides=2, padding="same"),
        (1, 5, 6, 2),
    ),
    "average_pooling2d_overlapping": (
        L.AveragePooling2D,
        dict(pool_size=(2, 3), strides=1),
        (2, 4, 4, 2),
    ),
    "average_pooling2d_same": (
        L.AveragePooling2D,
        dict(pool_size=3, strides=2, padding="same"),
        (1, 5, 5, 2),
    ),
    "max_pooling1d": (L.MaxPooling1D, dict(pool_size=2), (2, 7, 3)),
    "max_pooling1d_same": (
        L.MaxPooling1D,
        dict(pool_size=3, strides=2, padding="same"),
        (1, 6, 2),
    ),
    "average_pooling1d": (L.AveragePooling1D, dict(pool_size=3, strides=1), (2, 5, 2)),
    "average_pooling1d_same": (
        L.AveragePooling1D,
        dict(pool_size=2, padding="same"),
        (1, 5, 3),
    ),
    "global_average_pooling2d": (L.GlobalAveragePooling2D, dict(), (2, 3, 4, 3)),
    "global_average_pooling2d_keepdims": (
        L.GlobalAveragePooling2D,
        dict(keepdims=True),
        (2, 3, 3, 2),
    ),
    "global_max_pooling2d": (L.GlobalMaxPooling2D, dict(), (2, 3, 4, 3)),
    "global_average_pooling1d": (L.GlobalAveragePooling1D, dict(), (2, 5, 3)),
    "global_max_pooling1d_keepdims": (L.GlobalMaxPooling1D, dict(keepdims=True), (2, 5, 3)),
    # Normalization
    "batch_normalization": (L.BatchNormalization, dict(), (3, 2, 2, 3)),
    "batch_normalization_plain": (
        L.BatchNormalization,
        dict(center=False, scale=False, momentum=0.9, epsilon=0.01),
        (4, 3),
    ),
    "batch_normalization_axis1": (L.BatchNormalization, dict(axis=1), (3, 2, 4)),
    "layer_normalization": (L.LayerNormalization, dict(), (2, 3, 4)),
    "layer_normalization_two_axes": (
        L.LayerNormalization,
        dict(axis=[1, 2], epsilon=1e-5),
        (2, 3, 4),
    ),
    "layer_normalization_no_center": (L.LayerNormalization, dict(center=False), (3, 5)),
    # Reshaping
    "zero_padding2d": (L.ZeroPadding2D, dict(padding=1), (2, 3, 2, 2)),
    "zero_padding2d_asymmetric": (
        L.ZeroPadding2D,
        dict(padding=((1, 0), (2, 1))),
        (1, 3, 3, 2),
    ),
    "up_sampling2d": (L.UpSampling2D, dict(size=2), (2, 2, 3, 2)),
    "up_sampling2d_rectangular": (L.UpSampling2D, dict(size=(3, 2)), (1, 2, 2, 3)),
    "up_sampling2d_bilinear": (
        L.UpSampling2D,
        dict(size=(2, 3), interpolation="bilinear"),
        (1, 3, 2, 2),
    ),
    "cropping2d": (L.Cropping2D, dict(cropping=1), (2, 4, 4, 2)),
    "cropping2d_asymmetric": (L.Cropping2D, dict(cropping=((1, 0), (0, 2))), (1, 4, 5, 2)),
}


def rounded(values, digits):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values, digits=9):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values, digits)}


def float32_values(rng, shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape).astype(np.float32).astype(np.float64)


def weight_values(rng, variable):
    if variable.name == "moving_variance":
        return float32_values(rng, variable.shape, 0.5, 1.5)
    return float32_values(rng, variable.shape)


def write_case(directory, name, cls, kwargs, shape):
    rng = np.random.default_rng(sum(map(ord, name)))
    layer = cls(name=name, **kwargs)
    layer(keras.Input(shape[1:]))
    serialized = serialize_keras_object(layer)
    config = dict(serialized["config"], dtype="float64")
    twin = cls.from_config(config)
    twin.build((None,) + tuple(shape[1:]))

    weights = {v.name: weight_values(rng, v) for v in twin.weights}
    twin.set_weights([weights[v.name] for v in twin.weights])
    x = float32_values(rng, shape)
    training = cls is L.BatchNormalization
    # Only layers whose call takes a training flag are given one.
    flags = {"training": True} if training else {}

    trainable = [v.value for v in twin.trainable_variables]
    frozen = [v.value for v in twin.non_trainable_variables]
    probe, _ = twin.stateless_call(trainable, frozen, jnp.asarray(x), **flags)
    cotangent = float32_values(rng, probe.shape)

    def objective(trainable, x):
        y, updated = twin.stateless_call(trainable, frozen, x, **flags)
        return jnp.sum(y * cotangent), (y, updated)

    (weight_grads, input_grad), (y, updated) = jax.grad(
        objective, argnums=(0, 1), has_aux=True
    )(trainable, jnp.asarray(x))

    fixture = {
        "keras": keras.__version__,
        "compute_dtype": "float64",
        "layer": json.loads(json.dumps(serialized)),
        "training": training,
        "input": tensor(x),
        "cotangent": tensor(cotangent),
        "weight_order": [v.name for v in twin.weights],
        "weights": {key: tensor(value) for key, value in weights.items()},
        "output": tensor(y, 10),
        "gradients": {"input": tensor(input_grad, 10)}
        | {v.name: tensor(g, 10) for v, g in zip(twin.trainable_variables, weight_grads)},
    }
    if training:
        fixture["updated_weights"] = {
            v.name: tensor(value, 10) for v, value in zip(twin.non_trainable_variables, updated)
        }
        inference, _ = twin.stateless_call(trainable, updated, jnp.asarray(x), training=False)
        fixture["inference_output"] = tensor(inference, 10)
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (cls, kwargs, shape) in CASES.items():
        write_case(directory, name, cls, kwargs, shape)
    print(f"wrote {len(CASES)} fixtures of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
