"""Every layer class in one graph: the C library builds and runs them from the Python
configs, and the shapes the Python side infers for symbolic tensors are the shapes the
library computes."""

import numpy as np
import pytest

import plexus
from plexus import layers as L

pytestmark = pytest.mark.exports("px_model_from_json", "px_model_predict")


def every_layer_graph():
    image = plexus.Input(shape=(12, 12, 3), name="image")
    x = L.Conv2D(4, 3, padding="same", activation="relu")(image)
    x = L.BatchNormalization()(x)
    x = L.DepthwiseConv2D(3, depth_multiplier=2)(x)
    x = L.SeparableConv2D(6, 3, padding="same")(x)
    x = L.MaxPooling2D()(x)
    x = L.ZeroPadding2D(1)(x)
    x = L.Conv2DTranspose(4, 3, strides=2, padding="same")(x)
    x = L.UpSampling2D()(x)
    x = L.Cropping2D(((1, 1), (2, 2)))(x)
    x = L.AveragePooling2D(2)(x)
    pooled = [L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)]
    flat = L.Flatten()(x)
    sequence = plexus.Input(shape=(10, 3), name="sequence")
    s = L.Conv1D(5, 3, padding="causal")(sequence)
    s = L.MaxPooling1D()(s)
    s = L.AveragePooling1D()(s)
    pooled += [L.GlobalAveragePooling1D()(s), L.GlobalMaxPooling1D()(s)]
    m = L.LayerNormalization()(L.Concatenate()(pooled))
    m = L.Dropout(0.2)(L.Dense(8, activation="relu")(m))
    r = L.Flatten()(L.Reshape((2, 4))(m))
    out = L.Dense(3)(L.Add()([r, L.Activation("tanh")(m)]))
    return plexus.Model([image, sequence], [out, flat])


def test_symbolic_shapes_match_the_library():
    model = every_layer_graph()
    xs = [np.random.rand(2, 12, 12, 3).astype("float32"), np.random.rand(2, 10, 3).astype("f")]
    out, flat = model.predict(xs, verbose=0)
    assert out.shape == (2, 3) and flat.shape == (2, model.outputs[1].shape[1])
    for node in model._nodes:
        if isinstance(node.layer, L.InputLayer):
            continue
        part = plexus.Model(model.inputs, node.output)
        assert part.predict(xs, verbose=0).shape[1:] == node.output.shape[1:], node.layer.name


def test_every_layer_trains():
    model = every_layer_graph()
    model.compile(optimizer="adam", loss="mse")
    xs = [np.random.rand(8, 12, 12, 3).astype("float32"), np.random.rand(8, 10, 3).astype("f")]
    ys = [np.zeros((8, 3), np.float32), np.zeros((8, model.outputs[1].shape[1]), np.float32)]
    history = model.fit(xs, ys, batch_size=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    batch_norm = next(layer for layer in model.layers if isinstance(layer, L.BatchNormalization))
    names = [v.path.rsplit("/", 1)[1] for v in batch_norm.weights]
    assert names == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.trainable for v in batch_norm.weights] == [True, True, False, False]


def test_a_model_used_as_a_layer():
    inner = plexus.Sequential(
        [plexus.Input(shape=(3,)), L.Dense(4, activation="relu"), L.Dense(2)], name="inner_mlp"
    )
    inputs = plexus.Input(shape=(3,))
    outer = plexus.Model(inputs, L.Dense(1)(inner(inputs)))
    x = np.ones((2, 3), np.float32)
    assert outer.predict(x, verbose=0).shape == (2, 1)
    assert [w.shape for w in inner.get_weights()] == [(3, 4), (4,), (4, 2), (2,)]
    assert inner.layers[0].get_weights()[0].shape == (3, 4)
    assert outer.count_params() == inner.count_params() + 3
