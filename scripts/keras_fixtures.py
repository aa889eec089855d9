"""Keras 3's side of Plexus's config fixtures (run by scripts/keras-fixtures.sh).

  python keras_fixtures.py write DIR         writes DIR/objects.json, DIR/sequential_mlp.json,
                                             DIR/functional_two_towers.json, DIR/VERSION
  python keras_fixtures.py check-plexus DIR  loads DIR/*.json (Plexus's model JSON) with
                                             keras.models.model_from_json and checks each

Every object here has a twin built the same way in
Tests/FrontendAPITests/Saving/KerasFixtureCases.swift, under the same key. Objects get explicit
names where Keras would number them (a second "sgd" becomes "sgd_1"), so the fixtures do not
depend on what ran before.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
from keras import activations, constraints, initializers, layers, losses  # noqa: E402
from keras import metrics, optimizers, regularizers  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402


def built(layer, shape):
    layer.build(shape)
    return layer


def single_functional():
    """One input and one output: Keras writes input_layers and output_layers as one triple."""
    inputs = keras.Input((5,), name="features")
    hidden = layers.Dense(3, activation="tanh", name="dense_single")(inputs)
    outputs = layers.Dropout(0.3, name="dropout_single")(hidden)
    return keras.Model(inputs, outputs, name="single")


def nested_functional():
    """A Sequential model used as a layer of a Functional one."""
    inner = keras.Sequential(
        [keras.Input((3,), name="inner_in"), layers.Dense(2, name="inner_dense")],
        name="inner_sequential",
    )
    inputs = keras.Input((3,), name="outer_in")
    outputs = layers.Activation("relu", name="outer_relu")(inner(inputs))
    return keras.Model(inputs, outputs, name="nested")


def objects():
    """Every object Plexus has, a couple of settings each, keyed as the Swift cases are."""
    cases = {
        # Layers
        "layer/dense_default": built(layers.Dense(4, name="dense_default"), (None, 3)),
        "layer/dense_full": built(
            layers.Dense(
                5,
                activation="relu",
                kernel_initializer=initializers.HeNormal(seed=7),
                bias_initializer=initializers.Constant(0.1),
                kernel_regularizer=regularizers.L2(0.01),
                bias_regularizer=regularizers.L1(0.02),
                activity_regularizer=regularizers.L1L2(l1=0.001, l2=0.002),
                kernel_constraint=constraints.MaxNorm(3),
                bias_constraint=constraints.NonNeg(),
                name="dense_full",
            ),
            (None, 6),
        ),
        "layer/dense_unbuilt": layers.Dense(
            2,
            activation="softmax",
            use_bias=False,
            kernel_constraint=constraints.UnitNorm(axis=1),
            trainable=False,
            name="dense_unbuilt",
        ),
        "layer/dropout": layers.Dropout(0.25, name="dropout_a"),
        "layer/dropout_half": layers.Dropout(0.5, name="dropout_b"),
        "layer/flatten": built(layers.Flatten(name="flatten_a"), (None, 2, 3)),
        "layer/flatten_unbuilt": layers.Flatten(name="flatten_b"),
        "layer/reshape": layers.Reshape((2, -1), name="reshape_a"),
        "layer/reshape_3d": layers.Reshape((3, 2, 1), name="reshape_b"),
        "layer/concatenate": built(
            layers.Concatenate(axis=1, name="concat_a"), [(None, 2), (None, 3)]
        ),
        "layer/concatenate_default": layers.Concatenate(name="concat_b"),
        "layer/add": built(layers.Add(name="add_a"), [(None, 3), (None, 3)]),
        "layer/add_unbuilt": layers.Add(name="add_b"),
        "layer/activation_tanh": layers.Activation("tanh", name="activation_a"),
        "layer/activation_gelu": layers.Activation("gelu", name="activation_b"),
        "layer/conv2d_full": built(
            layers.Conv2D(
                8,
                (3, 5),
                strides=2,
                padding="same",
                groups=2,
                activation="relu",
                use_bias=False,
                kernel_initializer=initializers.HeNormal(seed=3),
                kernel_regularizer=regularizers.L2(0.01),
                activity_regularizer=regularizers.L1(0.001),
                kernel_constraint=constraints.MaxNorm(2),
                name="conv2d_full",
            ),
            (None, 8, 8, 4),
        ),
        "layer/conv2d_unbuilt": layers.Conv2D(4, 3, name="conv2d_unbuilt"),
        "layer/conv1d_causal": built(
            layers.Conv1D(6, 3, padding="causal", dilation_rate=2, name="conv1d_causal"),
            (None, 10, 3),
        ),
        "layer/max_pooling2d": layers.MaxPooling2D(
            (2, 3), strides=1, padding="same", name="max_pooling2d_a"
        ),
        "layer/average_pooling1d": layers.AveragePooling1D(3, name="average_pooling1d_a"),
        "layer/global_average_pooling2d": layers.GlobalAveragePooling2D(
            keepdims=True, name="global_average_pooling2d_a"
        ),
        "layer/global_max_pooling1d": layers.GlobalMaxPooling1D(name="global_max_pooling1d_a"),
        "layer/batch_normalization": built(
            layers.BatchNormalization(
                momentum=0.9,
                epsilon=1e-5,
                center=False,
                gamma_regularizer=regularizers.L2(0.1),
                name="batch_normalization_a",
            ),
            (None, 4),
        ),
        "layer/layer_normalization_axes": layers.LayerNormalization(
            axis=[1, 2], name="layer_normalization_a"
        ),
        "layer/layer_normalization_built": built(
            layers.LayerNormalization(name="layer_normalization_b"), (None, 3, 5)
        ),
        "layer/zero_padding2d": layers.ZeroPadding2D(((1, 2), (3, 4)), name="zero_padding2d_a"),
        "layer/up_sampling2d_bilinear": layers.UpSampling2D(
            (2, 3), interpolation="bilinear", name="up_sampling2d_a"
        ),
        "layer/cropping2d": built(layers.Cropping2D(2, name="cropping2d_a"), (None, 6, 6, 1)),
        "layer/conv2d_transpose": built(
            layers.Conv2DTranspose(
                4, 3, strides=2, padding="same", output_padding=1, name="conv2d_transpose_a"
            ),
            (None, 5, 5, 2),
        ),
        "layer/depthwise_conv2d": layers.DepthwiseConv2D(
            3,
            depth_multiplier=2,
            depthwise_regularizer=regularizers.L1(0.01),
            name="depthwise_conv2d_a",
        ),
        "layer/separable_conv2d": built(
            layers.SeparableConv2D(
                8, 3, pointwise_constraint=constraints.NonNeg(), name="separable_conv2d_a"
            ),
            (None, 6, 6, 3),
        ),
        "layer/sequential_unbuilt": keras.Sequential(
            [layers.Dense(2, name="dense_in_sequential"), layers.Dropout(0.1, name="dropout_c")],
            name="unbuilt_sequential",
        ),
        "layer/functional_single": single_functional(),
        "layer/functional_nested": nested_functional(),
        # Losses
        "loss/scce_logits": losses.SparseCategoricalCrossentropy(from_logits=True),
        "loss/scce_sum": losses.SparseCategoricalCrossentropy(reduction="sum", name="scce"),
        "loss/cce_smoothing": losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=0.1
        ),
        "loss/cce_none": losses.CategoricalCrossentropy(reduction="none"),
        "loss/bce_smoothing": losses.BinaryCrossentropy(label_smoothing=0.2),
        "loss/bce_logits": losses.BinaryCrossentropy(from_logits=True, name="bce"),
        "loss/mse": losses.MeanSquaredError(),
        "loss/mse_sum": losses.MeanSquaredError(reduction="sum", name="mse"),
        # Optimizers
        "optimizer/sgd_nesterov": optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        "optimizer/sgd_clipnorm": optimizers.SGD(clipnorm=1.0, name="sgd"),
        "optimizer/adam": optimizers.Adam(learning_rate=0.01, beta_1=0.8, epsilon=1e-6),
        "optimizer/adam_global_clipnorm": optimizers.Adam(global_clipnorm=2.0, name="my_adam"),
        "optimizer/adamw": optimizers.AdamW(learning_rate=0.002, weight_decay=0.01),
        "optimizer/adamw_clipvalue": optimizers.AdamW(clipvalue=0.5, name="adam_w"),
        "optimizer/rmsprop_centered": optimizers.RMSprop(rho=0.8, momentum=0.5, centered=True),
        "optimizer/rmsprop": optimizers.RMSprop(learning_rate=0.01, epsilon=1e-5, name="rm_sprop"),
        # Metrics
        "metric/accuracy": metrics.Accuracy(),
        "metric/accuracy_named": metrics.Accuracy(name="acc"),
        "metric/binary_accuracy": metrics.BinaryAccuracy(threshold=0.3),
        "metric/binary_accuracy_named": metrics.BinaryAccuracy(name="bin"),
        "metric/categorical_accuracy": metrics.CategoricalAccuracy(),
        "metric/categorical_accuracy_named": metrics.CategoricalAccuracy(name="cat_acc"),
        "metric/sparse_categorical_accuracy": metrics.SparseCategoricalAccuracy(),
        "metric/sparse_categorical_accuracy_named": metrics.SparseCategoricalAccuracy(name="sca"),
        "metric/mean": metrics.Mean(),
        "metric/mean_named": metrics.Mean(name="avg"),
        # Initializers
        "initializer/glorot_uniform": initializers.GlorotUniform(seed=1),
        "initializer/glorot_normal": initializers.GlorotNormal(),
        "initializer/he_uniform": initializers.HeUniform(seed=2),
        "initializer/he_normal": initializers.HeNormal(),
        "initializer/lecun_uniform": initializers.LecunUniform(),
        "initializer/lecun_normal": initializers.LecunNormal(seed=3),
        "initializer/zeros": initializers.Zeros(),
        "initializer/ones": initializers.Ones(),
        "initializer/constant": initializers.Constant(0.5),
        "initializer/constant_negative": initializers.Constant(-2.0),
        "initializer/random_normal": initializers.RandomNormal(mean=1.0, stddev=0.5, seed=4),
        "initializer/random_uniform": initializers.RandomUniform(minval=-1.0, maxval=1.0),
        "initializer/truncated_normal": initializers.TruncatedNormal(stddev=0.1, seed=5),
        # Regularizers
        "regularizer/l1": regularizers.L1(),
        "regularizer/l1_strong": regularizers.L1(0.3),
        "regularizer/l2": regularizers.L2(),
        "regularizer/l2_weak": regularizers.L2(0.05),
        "regularizer/l1l2": regularizers.L1L2(l1=0.1, l2=0.2),
        "regularizer/l1l2_l2_only": regularizers.L1L2(l2=0.3),
        # Constraints
        "constraint/max_norm": constraints.MaxNorm(),
        "constraint/max_norm_axis1": constraints.MaxNorm(max_value=1.5, axis=1),
        "constraint/non_neg": constraints.NonNeg(),
        "constraint/unit_norm": constraints.UnitNorm(),
        "constraint/unit_norm_axis1": constraints.UnitNorm(axis=1),
    }
    for name in [
        "linear", "relu", "relu6", "leaky_relu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
        "log_softmax", "gelu", "silu", "swish", "elu", "selu", "softplus", "softsign",
        "exponential", "mish",
    ]:
        cases["activation/" + name] = activations.get(name)
    return {key: serialize_keras_object(value) for key, value in cases.items()}


def sequential_mlp():
    return keras.Sequential(
        [
            keras.Input((784,), name="pixels"),
            layers.Dense(
                128, activation="relu", kernel_regularizer=regularizers.L2(1e-4), name="hidden"
            ),
            layers.Dropout(0.2, name="dropout"),
            layers.Dense(10, name="logits"),
        ],
        name="mlp",
    )


def functional_two_towers():
    left = keras.Input((8,), name="left")
    right = keras.Input((8,), name="right")
    shared = layers.Dense(4, activation="relu", name="shared")
    left_features = shared(left)
    right_features = shared(right)
    merged = layers.Concatenate(name="merged")([left_features, right_features])
    classes = layers.Dense(3, activation="softmax", name="class_out")(merged)
    summed = layers.Add(name="sum")([left_features, right_features])
    value = layers.Dense(1, name="value_out")(summed)
    return keras.Model([left, right], [classes, value], name="two_towers")


def write(directory):
    os.makedirs(directory, exist_ok=True)

    def dump(name, value):
        with open(os.path.join(directory, name), "w") as file:
            json.dump(value, file, indent=2, sort_keys=True)
            file.write("\n")

    dump("objects.json", objects())
    dump("sequential_mlp.json", json.loads(sequential_mlp().to_json()))
    dump("functional_two_towers.json", json.loads(functional_two_towers().to_json()))
    with open(os.path.join(directory, "VERSION"), "w") as file:
        file.write(f"keras {keras.__version__}, backend {keras.backend.backend()}\n")
    print(f"wrote fixtures of Keras {keras.__version__} to {directory}")


def check_plexus(directory):
    """Builds each of Plexus's model JSON files in Keras and runs it on ones."""
    import numpy as np

    expectations = {
        "sequential_mlp.json": dict(inputs=1, outputs=1, layers=3, shared=None),
        "functional_two_towers.json": dict(inputs=2, outputs=2, layers=7, shared="shared"),
        "cnn.json": dict(inputs=1, outputs=1, layers=12, shared=None),
    }
    failures = 0
    for name, expected in expectations.items():
        path = os.path.join(directory, name)
        with open(path) as file:
            model = keras.models.model_from_json(file.read())
        inputs = [np.ones((2,) + tuple(i.shape[1:]), "float32") for i in model.inputs]
        outputs = model(inputs if len(inputs) > 1 else inputs[0])
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        problems = []
        if len(model.inputs) != expected["inputs"]:
            problems.append(f"{len(model.inputs)} inputs")
        if len(outputs) != expected["outputs"]:
            problems.append(f"{len(outputs)} outputs")
        if len(model.layers) != expected["layers"]:
            problems.append(f"{len(model.layers)} layers")
        if expected["shared"]:
            nodes = len(model.get_layer(expected["shared"])._inbound_nodes)
            if nodes != 2:
                problems.append(f"shared layer called {nodes} times, expected 2")
        status = "ok" if not problems else "FAILED: " + ", ".join(problems)
        failures += bool(problems)
        print(f"Keras builds Plexus's {name}: {status} "
              f"(outputs {[tuple(o.shape) for o in outputs]})")
    return failures


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check-plexus"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(1 if check_plexus(sys.argv[2]) else 0)
