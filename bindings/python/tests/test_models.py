"""Sequential and Functional models: build, compile, fit, evaluate, predict, weights, JSON."""

import json

import numpy as np
import pytest

import plexus
from plexus import layers

from conftest import REPO
from helpers import blobs, compiled_mlp, mlp, tower_data, two_towers

pytestmark = pytest.mark.exports("px_model_from_json", "px_model_fit")


def test_sequential_fit_reduces_loss_and_returns_history():
    x, y = blobs()
    model = compiled_mlp()
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    assert isinstance(history, plexus.callbacks.History)
    assert set(history.history) == {"loss", "accuracy"}
    assert all(isinstance(v, list) and len(v) == 5 for v in history.history.values())
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.5
    assert history.history["accuracy"][-1] > 0.9
    assert model.history is history


def test_evaluate_returns_keras_shapes():
    x, y = blobs()
    model = compiled_mlp()
    model.fit(x, y, epochs=3, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert 0 <= accuracy <= 1 and loss > 0
    logs = model.evaluate(x, y, batch_size=50, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"]
    assert logs["loss"] == pytest.approx(loss, rel=1e-4)
    bare = mlp()
    bare.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(bare.evaluate(x, y, verbose=0), float)


def test_predict_returns_numpy_of_the_output_shape():
    x, _ = blobs(samples=70)
    model = compiled_mlp()
    out = model.predict(x, batch_size=32, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (70, 3) and out.dtype == np.float32
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), out[:5], rtol=1e-5, atol=1e-6)
    called = model(x[:5])
    assert isinstance(called, plexus.Tensor) and called.shape == (5, 3)


def test_predict_on_batch_agrees_with_predict_on_every_path():
    # One small float32 array takes the copying fast path; float64, a non-contiguous view, a
    # large batch and a two-output model take the general one: all must agree with predict.
    x, _ = blobs(samples=70)
    model = compiled_mlp()
    expected = model.predict(x, batch_size=70, verbose=0)
    for batch in (x[:1], x[:1].astype(np.float64), np.asfortranarray(x[:6]), x):
        got = model.predict_on_batch(batch)
        assert isinstance(got, np.ndarray) and got.dtype == np.float32
        np.testing.assert_allclose(got, expected[: len(batch)], rtol=1e-5, atol=1e-6)
    assert model.predict_on_batch(x[:0]).shape == (0, 3)
    towers = two_towers()
    inputs, _ = tower_data(samples=4)
    outputs = towers.predict_on_batch(inputs)
    assert isinstance(outputs, list) and len(outputs) == 2


def test_predict_on_batch_fast_path_follows_unknown_input_dims():
    # Outputs of (4, 6) and (6, 4) inputs have the same byte size: the fast path must not reuse
    # the first call's output dims for the second.
    model = plexus.Sequential([plexus.Input(shape=(None, None, 1)), layers.Conv2D(2, 1)])
    assert model.predict_on_batch(np.zeros((1, 4, 6, 1), "f")).shape == (1, 4, 6, 2)
    assert model.predict_on_batch(np.zeros((1, 6, 4, 1), "f")).shape == (1, 6, 4, 2)
    assert model.predict_on_batch(np.zeros((2, 4, 6, 1), "f")).shape == (2, 4, 6, 2)
    x = np.arange(12, dtype="f").reshape(1, 3, 4, 1)
    np.testing.assert_allclose(
        model.predict_on_batch(x), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_train_and_test_on_batch():
    x, y = blobs(samples=64)
    model = compiled_mlp()
    first = model.train_on_batch(x, y)
    for _ in range(20):
        last = model.train_on_batch(x, y, return_dict=True)
    assert isinstance(first, list) and len(first) == 2
    assert last["loss"] < first[0]
    assert model.test_on_batch(x, y, return_dict=True)["loss"] == pytest.approx(
        model.evaluate(x, y, batch_size=64, verbose=0)[0], rel=1e-4
    )


def test_functional_two_inputs_two_outputs():
    x, y = tower_data()
    model = two_towers()
    assert [t.name for t in model.inputs] == ["left", "right"]
    assert [layer.name for layer in model.layers][:2] == ["left", "right"]
    model.compile(optimizer=plexus.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert set(history.history) == {"loss", "first_loss", "second_loss"}
    first, second = model.predict(x, verbose=0)
    assert first.shape == (192, 1) and second.shape == (192, 2)
    by_name = model.predict({"left": x[0], "right": x[1]}, verbose=0)
    np.testing.assert_allclose(by_name[0], first, rtol=1e-5, atol=1e-6)
    loss, first_loss, second_loss = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(first_loss + second_loss, rel=1e-5)


def test_shared_layer_is_one_set_of_weights():
    a, b = plexus.Input(shape=(3,)), plexus.Input(shape=(3,))
    shared = layers.Dense(2)
    model = plexus.Model([a, b], layers.Add()([shared(a), shared(b)]))
    assert len(model.weights) == 2
    kernel, bias = shared.get_weights()
    x1, x2 = np.ones((1, 3), np.float32), np.full((1, 3), 2.0, np.float32)
    expected = x1 @ kernel + bias + x2 @ kernel + bias
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0), expected, rtol=1e-5)


def test_get_and_set_weights_round_trip():
    model = mlp()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 16), (16,), (16, 3), (3,)]
    assert [v.path.split("/")[-1] for v in model.weights] == ["kernel", "bias"] * 2
    x, _ = blobs(samples=8)
    before = model.predict(x, verbose=0)
    model.set_weights([np.zeros_like(w) for w in weights])
    np.testing.assert_array_equal(model.predict(x, verbose=0), np.zeros((8, 3), np.float32))
    model.set_weights(weights)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)
    dense = model.layers[0]
    kernel, bias = dense.get_weights()
    np.testing.assert_array_equal(kernel, weights[0])
    dense.set_weights([kernel * 2, bias])
    np.testing.assert_array_equal(model.get_weights()[0], weights[0] * 2)
    assert model.count_params() == 4 * 16 + 16 + 16 * 3 + 3
    assert dense.count_params() == 80


def test_layer_weights_match_the_layer_name_after_its_models_prefix():
    # A layer named like its model must not take every weight ("head/head/kernel" and
    # "head/dense/kernel" both contain "head").
    model = plexus.Sequential(
        [plexus.Input(shape=(4,)), layers.Dense(3, name="head"), layers.Dense(2)], name="head"
    )
    paths = [v.path for v in model.weights]
    assert [v.path for v in model.layers[0].weights] == paths[:2]
    assert [v.path for v in model.layers[1].weights] == paths[2:]
    # Nested models: a Sequential adds its name to the paths, a Functional none.
    for inner_kind in ("sequential", "functional"):
        if inner_kind == "sequential":
            inner = plexus.Sequential(
                [plexus.Input(shape=(4,)), layers.Dense(4, name="out")], name="inner"
            )
        else:
            i = plexus.Input(shape=(4,))
            inner = plexus.Model(i, layers.Dense(4, name="out")(i), name="inner")
        outer = plexus.Sequential(
            [plexus.Input(shape=(4,)), inner, layers.Dense(2, name="inner")], name="out"
        )
        paths = [v.path for v in outer.weights]
        assert len(paths) == 4
        assert [v.path for v in inner.weights] == paths[:2], inner_kind
        assert [v.path for v in inner.layers[-1].weights] == paths[:2], inner_kind
        assert [v.path for v in outer.layers[1].weights] == paths[2:], inner_kind


def test_sequential_and_model_from_config_build_the_model():
    x, _ = blobs(samples=5)
    sequential = mlp(name="seq")
    copy = plexus.Sequential.from_config(sequential.get_config())
    assert isinstance(copy, plexus.Sequential) and copy.name == "seq"
    assert [type(layer) for layer in copy.layers] == [type(l) for l in sequential.layers]
    copy.set_weights(sequential.get_weights())
    np.testing.assert_allclose(copy.predict(x, verbose=0), sequential.predict(x, verbose=0))
    towers = two_towers()
    rebuilt = plexus.Model.from_config(towers.get_config())
    assert isinstance(rebuilt, plexus.Model) and not isinstance(rebuilt, plexus.Sequential)
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in towers.layers]
    assert rebuilt.count_params() == towers.count_params()
    assert type(rebuilt).from_config(towers.get_config()).count_params() == towers.count_params()


def test_compile_with_strings_and_with_objects():
    x, y = blobs()
    by_name = mlp()
    by_name.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert set(by_name.fit(x, y, epochs=1, verbose=0).history) == {"loss", "accuracy"}
    by_object = mlp()
    by_object.compile(
        optimizer=plexus.optimizers.SGD(learning_rate=0.1, momentum=0.9),
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[plexus.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    history = by_object.fit(x, y, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "acc"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert isinstance(by_object.optimizer, plexus.optimizers.SGD)


def test_validation_split_and_validation_data_add_val_logs():
    x, y = blobs()
    model = compiled_mlp()
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert {"val_loss", "val_accuracy"} <= set(history.history)
    history = model.fit(x, y, epochs=2, validation_data=(x[:40], y[:40]), verbose=0)
    assert len(history.history["val_loss"]) == 2


def test_sequential_without_input_builds_from_its_data():
    x, y = blobs()
    model = plexus.Sequential([layers.Dense(8, activation="relu"), layers.Dense(3)])
    model.compile(optimizer="adam", loss=plexus.losses.SparseCategoricalCrossentropy(True))
    model.fit(x, y, epochs=1, verbose=0)
    assert [w.shape for w in model.get_weights()] == [(4, 8), (8,), (8, 3), (3,)]


def test_sequential_add_and_legacy_input_shape():
    model = plexus.Sequential()
    model.add(layers.Dense(5, input_shape=(2,)))
    model.add(layers.Dense(1))
    assert model.predict(np.ones((3, 2), np.float32), verbose=0).shape == (3, 1)
    model.add(layers.Activation("sigmoid"))
    out = model.predict(np.ones((3, 2), np.float32), verbose=0)
    assert out.shape == (3, 1) and np.all((out > 0) & (out < 1))


def test_layer_called_on_data_runs_at_once():
    dense = layers.Dense(3, kernel_initializer="ones", bias_initializer="zeros")
    out = dense(np.ones((2, 4), np.float32))
    assert isinstance(out, plexus.Tensor) and out.shape == (2, 3)
    np.testing.assert_array_equal(out.numpy(), np.full((2, 3), 4.0, np.float32))
    assert [w.shape for w in dense.get_weights()] == [(4, 3), (3,)]


def test_json_round_trip_keeps_architecture_and_predictions():
    model = two_towers()
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    copy = plexus.models.model_from_json(text)
    assert [layer.name for layer in copy.layers] == [layer.name for layer in model.layers]
    copy.set_weights(model.get_weights())
    x, _ = tower_data(samples=10)
    for ours, theirs in zip(model.predict(x, verbose=0), copy.predict(x, verbose=0)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    sequential = compiled_mlp()
    again = plexus.models.model_from_json(sequential.to_json(indent=2))
    assert isinstance(again, plexus.Sequential)
    assert again.count_params() == sequential.count_params()


def test_keras_written_model_loads():
    text = (REPO / "Tests" / "Fixtures" / "keras" / "sequential_mlp.json").read_text()
    model = plexus.models.model_from_json(text)
    assert model.name == "mlp"
    assert [layer.name for layer in model.layers] == ["hidden", "dropout", "logits"]
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    assert model.get_layer("hidden").get_weights()[0].shape == (784, 128)


def test_summary_prints_the_table():
    lines = []
    model = mlp(name="summary_model")
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "summary_model" in text and "Dense" in text and "Total params" in text


def test_per_model_backend():
    names = plexus.backends()
    x, _ = blobs(samples=16)
    model = mlp()
    reference = model.predict(x, verbose=0)
    for name in names:
        model.backend = name
        assert model.backend == name
        np.testing.assert_allclose(model.predict(x, verbose=0), reference, rtol=1e-4, atol=1e-5)
    model.backend = None


def test_keras_written_functional_with_a_nested_sequential_loads():
    objects = json.loads((REPO / "Tests" / "Fixtures" / "keras" / "objects.json").read_text())
    model = plexus.models.model_from_json(json.dumps(objects["layer/functional_nested"]))
    assert [layer.name for layer in model.layers] == ["outer_in", "inner_sequential", "outer_relu"]
    inner = model.get_layer("inner_sequential")
    assert isinstance(inner, plexus.Sequential)
    assert [w.shape for w in inner.get_weights()] == [(3, 2), (2,)]
    assert model.predict(np.ones((2, 3), np.float32), verbose=0).shape == (2, 2)


def test_freezing_layers_after_training_takes_effect_at_the_next_compile():
    # Keras's transfer-learning pattern: train, freeze the body, recompile, train the head.
    x, y = blobs()
    model = compiled_mlp()
    model.fit(x, y, epochs=1, verbose=0)
    body, head = model.layers[0], model.layers[-1]
    body.trainable = False
    model.compile(optimizer="adam", loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
    body_before, head_before = body.get_weights(), head.get_weights()
    assert body_before and head_before
    model.fit(x, y, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(body_before, body.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(head_before, head.get_weights()))
    model.trainable = False  # the whole model, as Keras's setter does for every layer
    model.compile(optimizer="adam", loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
