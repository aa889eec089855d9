"""Configs the Python side writes against what Keras 3 writes (Tests/Fixtures/keras, made by
scripts/keras_fixtures.py with Keras itself): the same layer, optimizer, loss and metric
arguments give the same config, so the C library reads them as it reads Keras's files."""

import json

import pytest

import plexus
from plexus import constraints, initializers, layers, losses, metrics, optimizers, regularizers

from conftest import REPO

FIXTURES = REPO / "Tests" / "Fixtures" / "keras"


@pytest.fixture(scope="module")
def keras_objects():
    return json.loads((FIXTURES / "objects.json").read_text())


# (fixture key, the same object made in Python with the arguments the fixture was made with)
LAYERS = [
    ("layer/dense_default", lambda: layers.Dense(4, name="dense_default")),
    (
        "layer/dense_full",
        lambda: layers.Dense(
            5,
            activation="relu",
            kernel_initializer=initializers.HeNormal(seed=7),
            bias_initializer=initializers.Constant(0.1),
            kernel_regularizer=regularizers.L2(0.01),
            bias_regularizer=regularizers.L1(0.019999999552965164),
            activity_regularizer=regularizers.L1L2(l1=0.001, l2=0.002),
            kernel_constraint=constraints.MaxNorm(3),
            bias_constraint=constraints.NonNeg(),
            name="dense_full",
        ),
    ),
    ("layer/dropout", lambda: layers.Dropout(0.25, name="dropout_a")),
    ("layer/flatten", lambda: layers.Flatten(name="flatten_a")),
    ("layer/reshape", lambda: layers.Reshape((2, -1), name="reshape_a")),
    ("layer/concatenate", lambda: layers.Concatenate(axis=1, name="concat_a")),
    ("layer/add", lambda: layers.Add(name="add_a")),
    ("layer/activation_tanh", lambda: layers.Activation("tanh", name="activation_a")),
    (
        "layer/conv1d_causal",
        lambda: layers.Conv1D(6, 3, padding="causal", dilation_rate=2, name="conv1d_causal"),
    ),
    (
        "layer/conv2d_full",
        lambda: layers.Conv2D(
            8,
            (3, 5),
            strides=2,
            padding="same",
            groups=2,
            activation="relu",
            use_bias=False,
            kernel_initializer=initializers.HeNormal(seed=3),
            kernel_regularizer=regularizers.L2(0.01),
            activity_regularizer=regularizers.L1(0.0010000000474974513),
            kernel_constraint=constraints.MaxNorm(2),
            name="conv2d_full",
        ),
    ),
    (
        "layer/conv2d_transpose",
        lambda: layers.Conv2DTranspose(
            4, 3, strides=2, padding="same", output_padding=1, name="conv2d_transpose_a"
        ),
    ),
    (
        "layer/depthwise_conv2d",
        lambda: layers.DepthwiseConv2D(
            3,
            depth_multiplier=2,
            depthwise_regularizer=regularizers.L1(0.009999999776482582),
            name="depthwise_conv2d_a",
        ),
    ),
    (
        "layer/separable_conv2d",
        lambda: layers.SeparableConv2D(
            8, 3, pointwise_constraint=constraints.NonNeg(), name="separable_conv2d_a"
        ),
    ),
    (
        "layer/max_pooling2d",
        lambda: layers.MaxPooling2D((2, 3), strides=1, padding="same", name="max_pooling2d_a"),
    ),
    ("layer/average_pooling1d", lambda: layers.AveragePooling1D(3, name="average_pooling1d_a")),
    (
        "layer/global_average_pooling2d",
        lambda: layers.GlobalAveragePooling2D(keepdims=True, name="global_average_pooling2d_a"),
    ),
    (
        "layer/global_max_pooling1d",
        lambda: layers.GlobalMaxPooling1D(name="global_max_pooling1d_a"),
    ),
    (
        "layer/batch_normalization",
        lambda: layers.BatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            center=False,
            gamma_regularizer=regularizers.L2(0.1),
            name="batch_normalization_a",
        ),
    ),
    (
        "layer/layer_normalization_axes",
        lambda: layers.LayerNormalization(axis=[1, 2], name="layer_normalization_a"),
    ),
    (
        "layer/zero_padding2d",
        lambda: layers.ZeroPadding2D(((1, 2), (3, 4)), name="zero_padding2d_a"),
    ),
    (
        "layer/up_sampling2d_bilinear",
        lambda: layers.UpSampling2D((2, 3), interpolation="bilinear", name="up_sampling2d_a"),
    ),
    ("layer/cropping2d", lambda: layers.Cropping2D(2, name="cropping2d_a")),
]


@pytest.mark.parametrize("key, make", LAYERS, ids=[key for key, _ in LAYERS])
def test_layer_config_matches_keras(keras_objects, key, make):
    expected = keras_objects[key]
    layer = make()
    assert layer.serialize()["class_name"] == expected["class_name"]
    assert layer.get_config() == expected["config"]


@pytest.mark.parametrize("key, make", LAYERS, ids=[key for key, _ in LAYERS])
def test_layer_round_trips_through_its_config(key, make):
    layer = make()
    copy = type(layer).from_config(layer.get_config())
    assert copy.get_config() == layer.get_config()


OBJECTS = [
    ("optimizer/adam", lambda: optimizers.Adam(0.009999999776482582, beta_1=0.8, epsilon=1e-6)),
    ("optimizer/adam_global_clipnorm",
     lambda: optimizers.Adam(0.0010000000474974513, global_clipnorm=2.0, name="my_adam")),
    ("optimizer/adamw", lambda: optimizers.AdamW(0.0020000000949949026, weight_decay=0.01)),
    ("optimizer/rmsprop", lambda: optimizers.RMSprop(0.009999999776482582, epsilon=1e-5)),
    ("optimizer/rmsprop_centered",
     lambda: optimizers.RMSprop(0.0010000000474974513, rho=0.8, momentum=0.5, centered=True)),
    ("optimizer/sgd_nesterov",
     lambda: optimizers.SGD(0.10000000149011612, momentum=0.9, nesterov=True)),
    ("loss/scce_logits", lambda: losses.SparseCategoricalCrossentropy(from_logits=True)),
    ("loss/scce_sum", lambda: losses.SparseCategoricalCrossentropy(reduction="sum", name="scce")),
    ("loss/cce_smoothing",
     lambda: losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)),
    ("loss/bce_logits", lambda: losses.BinaryCrossentropy(from_logits=True, name="bce")),
    ("loss/mse", lambda: losses.MeanSquaredError()),
    ("metric/accuracy", lambda: metrics.Accuracy()),
    ("metric/binary_accuracy", lambda: metrics.BinaryAccuracy(threshold=0.3)),
    ("metric/sparse_categorical_accuracy_named", lambda: metrics.SparseCategoricalAccuracy("sca")),
    ("metric/mean", lambda: metrics.Mean()),
]  # fmt: skip


@pytest.mark.parametrize("key, make", OBJECTS, ids=[key for key, _ in OBJECTS])
def test_compile_object_config_matches_keras(keras_objects, key, make):
    expected = keras_objects[key]
    obj = make()
    assert plexus.saving.serialize_keras_object(obj)["class_name"] == expected["class_name"]
    assert obj.get_config() == expected["config"]


def test_automatic_layer_names_follow_keras():
    first = layers.BatchNormalization()
    second = layers.BatchNormalization()
    assert first.name.startswith("batch_normalization")
    base = "batch_normalization"
    index = 0 if first.name == base else int(first.name.rsplit("_", 1)[1])
    assert second.name == f"{base}_{index + 1}"
    assert plexus.saving.to_snake_case("Conv2DTranspose") == "conv2d_transpose"
    assert plexus.saving.to_snake_case("GlobalAveragePooling2D") == "global_average_pooling2d"


def test_unknown_keyword_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="Unrecognized keyword arguments passed to Dense.*unitz"):
        layers.Dense(4, unitz=3)


def test_functional_config_matches_keras_two_towers():
    """The two-tower graph of Tests/Fixtures/keras/functional_two_towers.json, rebuilt with the
    Python API, writes the same layers, calls and ends (Keras also writes build_config and
    Dropout's training keyword, which the C library does not need)."""
    expected = json.loads((FIXTURES / "functional_two_towers.json").read_text())["config"]
    by_name = {entry["name"]: entry for entry in expected["layers"]}
    model = plexus.models.from_config(expected, "Functional")
    config = model.get_config()
    assert config["input_layers"] == expected["input_layers"]
    assert config["output_layers"] == expected["output_layers"]
    assert sorted(e["name"] for e in config["layers"]) == sorted(by_name)
    for entry in config["layers"]:
        reference = by_name[entry["name"]]
        assert entry["class_name"] == reference["class_name"]
        assert entry["config"] == reference["config"]
        assert len(entry["inbound_nodes"]) == len(reference["inbound_nodes"])
        for ours, theirs in zip(entry["inbound_nodes"], reference["inbound_nodes"]):
            assert ours["args"] == theirs["args"]


def test_symbolic_shapes_follow_the_layers():
    inputs = plexus.Input(shape=(28, 28, 1))
    x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)
    assert x.shape == (None, 14, 14, 8)
    x = layers.MaxPooling2D()(x)
    assert x.shape == (None, 7, 7, 8)
    x = layers.Flatten()(x)
    assert x.shape == (None, 392)
    assert layers.Dense(10)(x).shape == (None, 10)
