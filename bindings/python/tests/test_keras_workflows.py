"""Everyday Keras workflows from Python, each as Keras 3.15 behaves: optimizers and their
serialization, models' inputs, outputs and trainable weights, Sequential graphs and pop, fit's
edge cases and History, loaded models' compile, masks, Dropout's seed, building layers,
pad_sequences, and the metrics Keras logs as vectors."""

import warnings

import numpy as np
import pytest

import plexus
from plexus import callbacks, layers, optimizers


def _data():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    return x, x[:, :1] * 2


def test_compile_takes_a_serialized_optimizer_and_callbacks_can_read_its_rate():
    x, y = _data()
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer={"class_name": "SGD", "config": {"learning_rate": 0.05,
                                                             "momentum": 0.5}}, loss="mse")  # fmt: skip
    assert isinstance(model.optimizer, optimizers.SGD)
    assert model.optimizer.momentum == 0.5
    np.testing.assert_allclose(model.optimizer.learning_rate, 0.05)
    # ReduceLROnPlateau reads and lowers the rate: the first epoch sets the best loss, and with
    # min_delta that large the second does not improve on it, so the rate halves once.
    lower = callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=1e9)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[lower])
    np.testing.assert_allclose(model.optimizer.learning_rate, 0.025, rtol=1e-6)


def test_optimizers_serialize_and_deserialize_with_a_schedule():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    config = optimizers.serialize(optimizers.Adam(learning_rate=schedule, beta_1=0.8))
    assert config["class_name"] == "Adam"
    again = optimizers.deserialize(config)
    assert isinstance(again, optimizers.Adam) and again.beta_1 == 0.8
    # As Keras's, `learning_rate` reads the schedule's value at the current step.
    assert float(again.learning_rate) == pytest.approx(0.1)
    assert optimizers.serialize(again) == config
    assert isinstance(optimizers.get(config), optimizers.Adam)


def test_a_functional_models_input_and_output_are_its_tensors():
    a, b = plexus.Input(shape=(3,)), plexus.Input(shape=(2,))
    single = plexus.Model(a, layers.Dense(2)(a))
    assert single.input is a and single.output.shape == (None, 2)
    out_a, out_b = layers.Dense(1)(a), layers.Dense(1)(b)
    pair = plexus.Model([a, b], [out_a, out_b])
    assert pair.input == [a, b] and pair.output == [out_a, out_b]
    named = plexus.Model({"a": a, "b": b}, {"first": out_a})
    assert named.input == {"a": a, "b": b} and named.output == {"first": out_a}
    # A feature extractor over an intermediate tensor, as Keras users build one.
    extractor = plexus.Model(single.input, single.layers[-1].output)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(extractor.predict(x, verbose=0), single.predict(x, verbose=0))


def test_trainable_weights_leave_out_frozen_layers_and_frozen_models():
    inner = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(4, name="inner_dense"),
                               layers.BatchNormalization(name="norm")], name="inner")  # fmt: skip
    inputs = plexus.Input(shape=(3,))
    model = plexus.Model(inputs, layers.Dense(1, name="head")(inner(inputs)))
    model.predict(np.ones((2, 3), "float32"), verbose=0)
    paths = [v.path for v in model.trainable_weights]
    assert len(paths) == 6 and not any("moving" in p for p in paths)
    inner.get_layer("inner_dense").trainable = False
    assert [v.path.split("/")[-2] for v in model.trainable_weights] == ["norm", "norm", "head",
                                                                        "head"]  # fmt: skip
    assert len(model.non_trainable_weights) == 4
    inner.trainable = False
    assert [v.path.split("/")[-2] for v in model.trainable_weights] == ["head", "head"]
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 8


def test_training_true_runs_layers_and_models_in_training_mode():
    x = np.ones((4, 64), "float32")
    dropped = np.asarray(layers.Dropout(0.5)(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, 2.0} and 0 < (dropped == 0).mean() < 1
    np.testing.assert_array_equal(np.asarray(layers.Dropout(0.5)(x)), x)
    model = plexus.Sequential([plexus.Input(shape=(64,)), layers.Dropout(0.5)])
    assert (np.asarray(model(x, training=True)) == 0).any()
    np.testing.assert_array_equal(np.asarray(model(x)), x)
    # Batch normalization uses the batch's statistics and moves its moving mean toward them.
    norm = layers.BatchNormalization(momentum=0.9)
    batch = np.random.default_rng(0).normal(3, 2, size=(64, 2)).astype("float32")
    normalized = np.asarray(norm(batch, training=True))
    np.testing.assert_allclose(normalized.mean(axis=0), 0, atol=1e-5)
    gamma, beta, moving_mean, moving_variance = norm.get_weights()
    np.testing.assert_allclose(moving_mean, 0.1 * batch.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * batch.var(axis=0), rtol=1e-5)


def test_dict_outputs_come_back_as_dicts_with_their_keys_in_the_logs():
    x = np.ones((3, 2), "float32")
    inputs = plexus.Input(shape=(2,))
    outputs = {"z": layers.Dense(1, kernel_initializer="zeros", name="dz")(inputs),
               "a": layers.Dense(2, kernel_initializer="ones", name="da")(inputs)}  # fmt: skip
    model = plexus.Model(inputs, outputs)
    predicted = model.predict(x, verbose=0)
    assert set(predicted) == {"z", "a"}
    np.testing.assert_allclose(predicted["a"], 2 * np.ones((3, 2)))
    assert set(model(x)) == {"z", "a"} and set(model.predict_on_batch(x)) == {"z", "a"}
    model.compile(optimizer="sgd", loss={"z": "mse", "a": "mse"})
    logs = model.evaluate(x, {"z": np.zeros((3, 1)), "a": np.zeros((3, 2))}, verbose=0,
                          return_dict=True)  # fmt: skip
    assert logs == {"loss": 4.0, "z_loss": 0.0, "a_loss": 4.0}
    seen = []
    history = model.fit(x, {"z": np.zeros((3, 1)), "a": np.zeros((3, 2))}, epochs=1, verbose=0,
                        validation_split=0.34,
                        callbacks=[callbacks.LambdaCallback(
                            on_epoch_end=lambda epoch, logs: seen.append(sorted(logs)))])  # fmt: skip
    expected = ["a_loss", "loss", "val_a_loss", "val_loss", "val_z_loss", "z_loss"]
    assert sorted(history.history) == expected and seen == [expected]


def _two_heads():
    a, b = plexus.Input(shape=(4,), name="a"), plexus.Input(shape=(3,), name="b")
    hidden = layers.Dense(8, activation="relu", name="hid")(layers.Concatenate()([a, b]))
    reg = layers.Dense(1, name="reg")(hidden)
    cls = layers.Dense(3, activation="softmax", name="cls")(hidden)
    return plexus.Model([a, b], [reg, cls])


def test_per_output_metrics_as_a_dict_or_nested_lists():
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(64, 4)).astype("float32"), rng.normal(size=(64, 3)).astype("float32")
    y1, y2 = rng.normal(size=(64, 1)).astype("float32"), rng.integers(0, 3, size=(64,))
    model = _two_heads()
    model.compile(optimizer="adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  metrics={"reg": ["mae"], "cls": ["accuracy"]})  # fmt: skip
    history = model.fit({"a": xa, "b": xb}, {"reg": y1, "cls": y2}, epochs=1, batch_size=16,
                        verbose=0)  # fmt: skip
    assert sorted(history.history) == ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae"]
    logs = model.evaluate([xa, xb], [y1, y2], verbose=0, return_dict=True)
    regression, classes = model.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(logs["reg_mae"], np.abs(regression - y1).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["cls_accuracy"], (classes.argmax(1) == y2).mean())
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  metrics=[["mae"], None])  # fmt: skip
    assert list(model.evaluate([xa, xb], [y1, y2], verbose=0, return_dict=True)) == [
        "loss", "reg_loss", "cls_loss", "reg_mae"]  # fmt: skip
    with pytest.raises(ValueError, match="colour"):
        model.compile(optimizer="sgd", loss="mse", metrics={"colour": ["mae"]})


def test_weights_as_attributes_and_a_functional_models_shapes():
    dense = layers.Dense(2)
    with pytest.raises(AttributeError, match="kernel"):
        dense.kernel  # not built yet, as in Keras
    a, b = plexus.Input(shape=(3,)), plexus.Input(shape=(5,))
    model = plexus.Model([a, b], [dense(a), layers.Dense(4)(b)])
    model.predict([np.ones((1, 3), "float32"), np.ones((1, 5), "float32")], verbose=0)
    assert dense.kernel.shape == (3, 2) and dense.bias.shape == (2,)
    np.testing.assert_array_equal(dense.kernel.numpy(), dense.get_weights()[0])
    assert model.input_shape == [(None, 3), (None, 5)]
    assert model.output_shape == [(None, 2), (None, 4)]
    with pytest.raises(AttributeError, match="no_such_thing"):
        dense.no_such_thing


def test_a_layer_written_in_python_is_refused_by_name_when_called():
    class Doubling(layers.Layer):
        def call(self, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="Doubling.*written in Python"):
        Doubling()(plexus.Input(shape=(3,)))


def test_the_learning_rate_and_step_count_read_as_keras_variables():
    x, y = _data()
    optimizer = optimizers.Adam(0.01)
    assert optimizer.learning_rate.numpy() == np.float32(0.01) and optimizer.iterations == 0
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert model.optimizer.iterations.numpy() == 2
    # Keras's fine-tuning idiom: lower the rate in place, then train on.
    model.optimizer.learning_rate.assign(1e-4)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 1e-4, rtol=1e-6)
    before = model.get_weights()[0]
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    # One Adam step at rate 1e-4 moves each weight by at most about 1e-4.
    assert 0 < np.abs(model.get_weights()[0] - before).max() < 2e-4


def test_clone_model_makes_new_layers_with_new_weights():
    x, y = _data()
    inputs = plexus.Input(shape=(3,))
    original = plexus.Model(inputs, layers.Dense(1, name="out")(layers.Dense(4)(inputs)))
    expected = original.predict(x, verbose=0)
    clone = plexus.models.clone_model(original)
    assert [type(layer).__name__ for layer in clone.layers] == [
        type(layer).__name__ for layer in original.layers]  # fmt: skip
    assert not np.allclose(clone.predict(x, verbose=0), expected)
    clone.set_weights(original.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), expected, rtol=1e-6)
    clone.compile(optimizer="sgd", loss="mse")
    clone.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(original.predict(x, verbose=0), expected)
    sequential = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(2)])
    assert isinstance(plexus.models.clone_model(sequential), plexus.Sequential)


def test_a_single_outputs_metrics_may_come_as_a_dict():
    x, y = _data()
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1, name="out")])
    model.compile(optimizer="sgd", loss="mse", metrics={"out": ["mae"]})
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae"]
    np.testing.assert_allclose(logs["mae"], np.abs(model.predict(x, verbose=0) - y).mean(),
                               rtol=1e-5)  # fmt: skip


def test_a_sequential_models_layers_have_outputs_to_cut_a_feature_extractor_from():
    # Keras builds a Sequential's graph once its input is known (from an Input, or from
    # build()), so each layer has an `output`; cutting a model at a hidden layer is the usual
    # transfer-learning pattern, and the cut model shares the trained weights.
    x, y = _data()
    for declared in (True, False):
        if declared:
            model = plexus.Sequential([plexus.Input(shape=(3,)),
                                       layers.Dense(4, activation="relu", name="hidden"),
                                       layers.Dense(1, name="head")])  # fmt: skip
        else:
            model = plexus.Sequential([layers.Dense(4, activation="relu", name="hidden"),
                                       layers.Dense(1, name="head")])  # fmt: skip
            with pytest.raises(AttributeError):
                model.get_layer("hidden").output
            model.build((None, 3))
        hidden = model.get_layer("hidden")
        assert hidden.output.shape == (None, 4)
        assert hidden.input.shape == (None, 3)
        assert model.outputs[0].shape == (None, 1)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, epochs=2, verbose=0)
        extractor = plexus.Model(model.inputs, hidden.output)
        kernel, bias = hidden.get_weights()
        expected = np.maximum(x @ kernel + bias, 0)
        np.testing.assert_allclose(extractor.predict(x, verbose=0), expected, rtol=1e-5,
                                   atol=1e-6)  # fmt: skip


def test_sequential_pop_keeps_the_trained_layers_and_the_removed_one():
    x, y = _data()
    model = plexus.Sequential([plexus.Input(shape=(3,)),
                               layers.Dense(4, activation="relu", name="hidden"),
                               layers.Dense(1, name="head")])  # fmt: skip
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    kernel, bias = model.get_layer("hidden").get_weights()
    head = model.layers[-1]
    head_weights = head.get_weights()
    assert model.pop() is head
    assert [layer.name for layer in model.layers] == ["hidden"]
    assert model.outputs[0].shape == (None, 4)
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    for before, after in zip(head_weights, head.get_weights()):
        np.testing.assert_array_equal(before, after)
    # Still compiled (as in Keras): it trains without another compile.
    history = model.fit(x, np.zeros((16, 4), "float32"), epochs=1, verbose=0).history
    assert np.isfinite(history["loss"][0])
    model.add(layers.Dense(1, name="new_head"))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, verbose=0).history
    assert np.isfinite(history["loss"][0])
    empty = plexus.Sequential([layers.Dense(2)])
    empty.pop()
    with pytest.raises(TypeError, match="no layers"):
        empty.pop()


def test_fit_with_no_epochs_to_run_trains_nothing():
    x, y = _data()
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    heard = []
    listener = callbacks.LambdaCallback(on_train_begin=lambda logs: heard.append("begin"),
                                        on_train_end=lambda logs: heard.append("end"))  # fmt: skip
    for epochs, initial_epoch in ((0, 0), (2, 2), (1, 3)):
        history = model.fit(x, y, epochs=epochs, initial_epoch=initial_epoch, verbose=0,
                            callbacks=[listener])  # fmt: skip
        assert history.history == {} and history.epoch == []
    assert heard == ["begin", "end"] * 3
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert int(model.optimizer.iterations) == 0


def test_the_history_keeps_what_callbacks_change_in_the_epoch_logs():
    x, y = _data()
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")

    class Edit(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["loss"] = 100.0 + epoch
            logs["extra"] = 7.0

    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[Edit()]).history
    assert history == {"loss": [100.0, 101.0], "extra": [7.0, 7.0]}


def test_a_loaded_model_keeps_its_compile_for_loss_metrics_and_callbacks(tmp_path):
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", plexus.metrics.AUC()])  # fmt: skip
    assert model.loss == "binary_crossentropy"  # as given, as Keras's
    first, second = tmp_path / "a.keras", tmp_path / "b.keras"
    plexus.saving.save_model(model, first)
    plexus.models.save_model(model, second)
    for path in (first, second):
        loaded = plexus.saving.load_model(path)
        assert isinstance(loaded.loss, plexus.losses.BinaryCrossentropy)
        # Auto mode finds the loaded model's compiled metrics: AUC goes up.
        watcher = callbacks.EarlyStopping(monitor="val_auc", patience=3)
        loaded.fit(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[watcher])
        assert watcher.monitor_op(2, 1)


def test_a_mask_passed_by_hand_is_refused_rather_than_ignored():
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    for layer in (layers.LSTM(2), layers.GlobalAveragePooling1D()):
        with pytest.raises(NotImplementedError, match="mask"):
            layer(x, mask=mask)
        with pytest.raises(NotImplementedError, match="mask"):
            layer(plexus.Input(shape=(4, 3)), mask=plexus.Input(shape=(4,), dtype="bool"))
    # A mask that flows from Embedding(mask_zero=True) still works, and None is no mask.
    ids = plexus.Input(shape=(4,), dtype="int32")
    model = plexus.Model(ids, layers.LSTM(2)(layers.Embedding(5, 3, mask_zero=True)(ids)))
    assert model.predict(np.array([[1, 2, 0, 0]]), verbose=0).shape == (1, 2)
    assert layers.Dense(2)(x[:, 0], mask=None).shape == (2, 2)


def test_pad_sequences_pads_and_cuts_as_keras_does():
    # Keras 3.15's results for these calls.
    sequences = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]
    pad = plexus.utils.pad_sequences
    assert pad(sequences).tolist() == [[0, 0, 1, 2, 3], [0, 0, 0, 4, 5], [0, 0, 0, 0, 0],
                                       [6, 7, 8, 9, 10]]  # fmt: skip
    assert pad(sequences, maxlen=3).tolist() == [[1, 2, 3], [0, 4, 5], [0, 0, 0], [8, 9, 10]]
    assert pad(sequences, maxlen=4, padding="post", truncating="post").tolist() == [
        [1, 2, 3, 0], [4, 5, 0, 0], [0, 0, 0, 0], [6, 7, 8, 9]]  # fmt: skip
    padded = pad(sequences, value=-1, dtype="float32")
    assert padded.dtype == np.float32 and padded[2].tolist() == [-1] * 5
    assert pad([[[1, 2], [3, 4]], [[5, 6]]]).tolist() == [[[1, 2], [3, 4]], [[0, 0], [5, 6]]]
    with pytest.raises(ValueError, match="Padding type"):
        pad(sequences, padding="middle")


def test_freezing_a_model_freezes_its_layers_as_keras_does():
    inner = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(4, name="a"),
                               layers.Dense(2, name="b")], name="inner")  # fmt: skip
    outer = plexus.Sequential([plexus.Input(shape=(3,)), inner, layers.Dense(1, name="head")])
    inner.trainable = False
    assert [layer.trainable for layer in inner.layers] == [False, False]
    assert inner.layers[0].trainable_weights == []
    assert [v.path.rsplit("/", 1)[-1] for v in outer.trainable_weights] == ["kernel", "bias"]
    x, y = _data()
    before = inner.get_weights()
    outer.compile(optimizer="sgd", loss="mse")
    outer.fit(x, y, epochs=1, verbose=0)
    for old, new in zip(before, inner.get_weights()):
        np.testing.assert_array_equal(old, new)
    inner.trainable = True  # Keras's setter sets every layer again
    assert [layer.trainable for layer in inner.layers] == [True, True]
    assert len(outer.trainable_weights) == 6


def test_dropout_takes_keras_seed_and_noise_shape():
    x = np.ones((4, 5, 3), "float32")
    first = layers.Dropout(0.5, seed=1)(x, training=True)
    again = layers.Dropout(0.5, seed=1)(x, training=True)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(again))
    shared = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, None))(x, training=True))
    assert (shared == shared[:, :1, :]).all()  # one draw along the steps
    model = plexus.Sequential([plexus.Input(shape=(5, 3)), layers.Dropout(0.5, seed=3),
                               layers.Flatten(), layers.Dense(1)])  # fmt: skip
    config = model.get_config()["layers"][1]["config"]
    assert config["seed"] == 3 and config["noise_shape"] is None
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.fit(x, np.ones((4, 1)), epochs=1, verbose=0).history["loss"][0])


def test_layer_build_makes_the_weights_later_calls_use():
    dense = layers.Dense(4)
    dense.build((None, 3))
    assert [w.shape for w in dense.get_weights()] == [(3, 4), (4,)]
    assert len(dense.variables) == 2
    x = np.ones((2, 3), "float32")
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(dense(x), x @ kernel + bias, rtol=1e-6)
    # A recurrent layer built for any length: a call on 4 steps uses the weights set after.
    lstm = layers.LSTM(3)
    lstm.build((None, None, 2))
    lstm.set_weights([np.zeros_like(w) for w in lstm.get_weights()])
    np.testing.assert_array_equal(lstm(np.ones((1, 4, 2), "float32")), np.zeros((1, 3)))
    embedding = layers.Embedding(10, 2, mask_zero=True)
    embedding.build((None, 5))
    assert [w.shape for w in embedding.weights] == [(10, 2)]
    assert embedding.compute_mask(np.array([[1, 0, 2]])).tolist() == [[True, False, True]]
    assert layers.Embedding(10, 2).compute_mask(np.array([[1, 0]])) is None
    assert layers.serialize(dense)["class_name"] == "Dense"


def test_metrics_keras_logs_as_vectors_warn_that_they_log_one_number():
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(2, activation="softmax")])
    for metric, words in ((plexus.metrics.F1Score(), "per class"),
                          (plexus.metrics.Precision(thresholds=[0.3, 0.6]), "first threshold")):  # fmt: skip
        with pytest.warns(UserWarning, match=words):
            model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=[metric])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compile(optimizer="sgd", loss="categorical_crossentropy",
                      metrics=[plexus.metrics.F1Score(average="macro"),
                               plexus.metrics.Precision(thresholds=0.3)])  # fmt: skip


def test_layers_of_a_model_with_known_inputs_have_weights_before_its_first_use():
    # The usual way to start from pretrained embeddings: set them right after building.
    table = np.arange(30, dtype="float32").reshape(10, 3)
    ids = plexus.Input(shape=(2,), dtype="int32")
    embedding = layers.Embedding(10, 3, name="words")
    functional = plexus.Model(ids, layers.Flatten()(embedding(ids)))
    embedding.set_weights([table])
    np.testing.assert_array_equal(functional.predict(np.array([[1, 2]]), verbose=0),
                                  [[3, 4, 5, 6, 7, 8]])  # fmt: skip
    sequential = plexus.Sequential([plexus.Input(shape=(2,), dtype="int32"),
                                    layers.Embedding(10, 3, name="tokens"), layers.Flatten(),
                                    layers.Dense(1)])  # fmt: skip
    assert [len(layer.weights) for layer in sequential.layers] == [1, 0, 2]
    sequential.layers[0].set_weights([table])
    np.testing.assert_array_equal(sequential.layers[0].get_weights()[0], table)
    # Without known inputs there is nothing to build yet, as in Keras.
    assert plexus.Sequential([layers.Dense(2)]).layers[0].weights == []
