"""One layer object in several models shares its weights, as in Keras: an encoder model and the
autoencoder around it, a layer called eagerly and in a model, and models nested in models."""

import numpy as np
import pytest

import plexus
from plexus import layers


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((64, 6)).astype("float32")


def test_an_encoder_model_sees_what_training_the_autoencoder_taught_its_layers():
    inputs = plexus.Input(shape=(6,))
    encode = layers.Dense(3, activation="tanh", name="encode")
    decode = layers.Dense(6, name="decode")
    code = encode(inputs)
    encoder = plexus.Model(inputs, code)
    autoencoder = plexus.Model(inputs, decode(code))
    x = _data()
    before = encoder.predict(x, verbose=0)
    autoencoder.compile(optimizer="adam", loss="mse")
    autoencoder.fit(x, x, epochs=3, batch_size=16, verbose=0)
    kernel, bias = encode.get_weights()
    expected = np.tanh(x @ kernel + bias)
    after = encoder.predict(x, verbose=0)
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(after, before)
    # Both models' compiled steps keep reading the one set of weights as they change.
    autoencoder.fit(x, x, epochs=1, batch_size=16, verbose=0)
    kernel, bias = encode.get_weights()
    np.testing.assert_allclose(encoder.predict(x, verbose=0), np.tanh(x @ kernel + bias),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    # The encoder's own weights are the autoencoder's.
    for mine, theirs in zip(encoder.get_weights(), autoencoder.get_weights()[:2]):
        np.testing.assert_array_equal(mine, theirs)


def test_setting_a_shared_layers_weights_reaches_every_model():
    inputs = plexus.Input(shape=(6,))
    dense = layers.Dense(2, name="shared_dense")
    first = plexus.Model(inputs, dense(inputs))
    second = plexus.Model(inputs, layers.Activation("relu")(dense(inputs)))
    x = _data(1)
    first.predict(x, verbose=0)
    second.predict(x, verbose=0)
    kernel = np.arange(12, dtype="float32").reshape(6, 2) / 10
    bias = np.array([0.5, -0.5], "float32")
    first.layers[1].set_weights([kernel, bias])
    np.testing.assert_allclose(second.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


@pytest.mark.parametrize("graph_first", [True, False])
def test_a_layer_called_eagerly_and_in_a_model_has_one_set_of_weights(graph_first):
    x = _data(2).reshape(8, 8, 6)
    for layer in [layers.Dense(3), layers.LSTM(4), layers.MultiHeadAttention(2, 3)]:
        attention = isinstance(layer, layers.MultiHeadAttention)

        def call(t, layer=layer, attention=attention):
            return layer(t, t) if attention else layer(t)

        inputs = plexus.Input(shape=(8, 6))
        model = plexus.Model(inputs, call(inputs))
        if graph_first:
            in_model = model.predict(x, verbose=0)
            eager = np.asarray(call(x))
        else:
            eager = np.asarray(call(x))
            in_model = model.predict(x, verbose=0)
        np.testing.assert_allclose(eager, in_model, rtol=1e-5, atol=1e-6,
                                   err_msg=type(layer).__name__)  # fmt: skip


def test_models_nested_in_a_model_share_their_weights_with_it():
    inputs = plexus.Input(shape=(6,))
    encoder = plexus.Model(inputs, layers.Dense(3, name="enc_dense")(inputs), name="encoder")
    code = plexus.Input(shape=(3,))
    decoder = plexus.Sequential([code, layers.Dense(6, name="dec_dense")], name="decoder")
    x = _data(3)
    encoder.predict(x, verbose=0)  # the encoder's weights exist before the autoencoder's
    outer_inputs = plexus.Input(shape=(6,))
    autoencoder = plexus.Model(outer_inputs, decoder(encoder(outer_inputs)))
    autoencoder.compile(optimizer="sgd", loss="mse")
    autoencoder.fit(x, x, epochs=2, batch_size=16, verbose=0)
    (ek, eb), (dk, db) = encoder.get_weights(), decoder.get_weights()
    np.testing.assert_allclose(encoder.predict(x, verbose=0), x @ ek + eb, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0), (x @ ek + eb) @ dk + db,
                               rtol=1e-5, atol=1e-5)  # fmt: skip


def test_two_models_with_distinct_layers_of_one_name_keep_their_own_weights():
    x = _data(4)
    models = []
    for seed in (1, 2):
        inputs = plexus.Input(shape=(6,))
        initializer = plexus.initializers.GlorotUniform(seed)
        dense = layers.Dense(2, name="head", kernel_initializer=initializer)
        models.append(plexus.Model(inputs, dense(inputs)))
    a, b = (m.predict(x, verbose=0) for m in models)
    assert not np.allclose(a, b)


def test_a_loaded_models_layers_feed_a_feature_extractor_and_a_new_head(tmp_path):
    # Keras's transfer-learning pattern: new models over a loaded model's layers use the
    # weights it loaded, and a frozen layer keeps them while the new head trains.
    rng = np.random.default_rng(5)
    x = rng.standard_normal((32, 8)).astype("float32")
    y = rng.integers(0, 3, 32)
    inputs = plexus.Input(shape=(8,))
    features = layers.Dense(16, activation="relu", name="features")(inputs)
    base = plexus.Model(inputs, layers.Dense(3, name="classes")(features))
    base.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    base.fit(x, y, epochs=2, verbose=0)
    base.save(str(tmp_path / "base.keras"))
    loaded = plexus.saving.load_model(str(tmp_path / "base.keras"))
    layer = loaded.get_layer("features")
    extractor = plexus.Model(loaded.inputs, layer.output)
    kernel, bias = base.get_layer("features").get_weights()
    np.testing.assert_allclose(extractor.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    layer.trainable = False
    head = plexus.Model(loaded.inputs, layers.Dense(2, name="new_head")(layer.output))
    head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    head.fit(x, y % 2, epochs=1, verbose=0)
    np.testing.assert_array_equal(layer.get_weights()[0], kernel)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), base.predict(x, verbose=0),
                               rtol=1e-6)  # fmt: skip


def test_a_held_layer_in_two_nested_models_is_shared_once():
    x = _data(6)
    inputs = plexus.Input(shape=(6,))
    shared = layers.Dense(2, name="shared_d")
    plexus.Model(inputs, shared(inputs)).predict(x, verbose=0)  # a library model holds it
    first = plexus.Sequential([plexus.Input(shape=(6,)), shared], name="first")
    second = plexus.Sequential([plexus.Input(shape=(6,)), shared], name="second")
    outer = plexus.Input(shape=(6,))
    both = plexus.Model(outer, [first(outer), second(outer)])
    a, b = both.predict(x, verbose=0)
    kernel, bias = shared.get_weights()
    np.testing.assert_allclose(a, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b, a)
