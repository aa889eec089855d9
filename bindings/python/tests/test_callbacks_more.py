"""ModelCheckpoint, CSVLogger, TerminateOnNaN and LambdaCallback, run in Python over the C
library's progress events as Keras runs them."""

import csv

import numpy as np
import pytest

import plexus
from plexus import callbacks, layers

from helpers import blobs, compiled_mlp

pytestmark = pytest.mark.exports("px_model_fit", "px_model_save", "px_model_load")


def test_model_checkpoint_writes_a_keras_file_that_load_model_opens(tmp_path):
    model = compiled_mlp()
    x, y = blobs()
    path = tmp_path / "ckpt-{epoch:02d}.keras"
    model.fit(x, y, epochs=2, batch_size=32, verbose=0,
              callbacks=[callbacks.ModelCheckpoint(path, monitor="loss")])  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-01.keras", "ckpt-02.keras"]
    loaded = plexus.saving.load_model(tmp_path / "ckpt-02.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_model_checkpoint_save_best_only_keeps_the_best_epoch(tmp_path):
    model = compiled_mlp()
    x, y = blobs()
    best = tmp_path / "best.keras"
    seen = []
    checkpoint = callbacks.ModelCheckpoint(best, monitor="val_accuracy", save_best_only=True)
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append((logs["val_accuracy"], best.stat().st_mtime_ns))
    )
    model.fit(x, y, epochs=4, batch_size=32, validation_split=0.25, verbose=0,
              callbacks=[checkpoint, record])  # fmt: skip
    assert checkpoint.best == max(accuracy for accuracy, _ in seen)
    assert best.exists()
    loaded = plexus.saving.load_model(best)
    assert loaded.evaluate(x[192:], y[192:], verbose=0, return_dict=True)["accuracy"] == (
        pytest.approx(checkpoint.best, abs=1e-6)
    )


def test_model_checkpoint_saves_weights_every_n_batches(tmp_path):
    model = compiled_mlp()
    x, y = blobs()
    path = tmp_path / "w-{epoch}-{batch}.weights.h5"
    model.fit(x, y, epochs=1, batch_size=32, verbose=0,
              callbacks=[callbacks.ModelCheckpoint(path, save_weights_only=True, save_freq=4)])  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w-1-4.weights.h5", "w-1-8.weights.h5"]
    copy = compiled_mlp()
    copy.load_weights(tmp_path / "w-1-8.weights.h5")
    np.testing.assert_allclose(copy.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_model_checkpoint_checks_the_file_extension():
    with pytest.raises(ValueError, match=r"\.keras"):
        callbacks.ModelCheckpoint("model.h5x")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        callbacks.ModelCheckpoint("model.keras", save_weights_only=True)


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    model = compiled_mlp()
    x, y = blobs()
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, batch_size=64, validation_split=0.25, verbose=0,
                        callbacks=[callbacks.CSVLogger(path)])  # fmt: skip
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(row["epoch"]) for row in rows] == [0, 1, 2]
    for row, loss in zip(rows, history.history["loss"]):
        assert float(row["loss"]) == pytest.approx(loss)
    model.fit(x, y, epochs=1, batch_size=64, verbose=0,
              callbacks=[callbacks.CSVLogger(path, separator=";", append=True)])  # fmt: skip
    lines = path.read_text().splitlines()
    assert len(lines) == 5 and lines[4].startswith("0;")


def test_terminate_on_nan_stops_training():
    model = plexus.Sequential([plexus.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer=plexus.optimizers.SGD(1e30), loss="mse")
    x = np.full((64, 2), 1e10, np.float32)
    y = np.zeros((64, 1), np.float32)
    batches = []
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0,
                        callbacks=[callbacks.TerminateOnNaN(),
                                   callbacks.LambdaCallback(
                                       on_train_batch_end=lambda b, logs: batches.append(b))])  # fmt: skip
    assert len(batches) < 5 * 8
    assert len(history.history["loss"]) < 5
    model = plexus.Sequential([plexus.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer=plexus.optimizers.SGD(1e30), loss="mse")
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        model.fit(x, y, epochs=5, batch_size=8, verbose=0,
                  callbacks=[callbacks.TerminateOnNaN(raise_error=True)])  # fmt: skip


def test_lambda_callback_runs_the_functions_given():
    model = compiled_mlp()
    x, y = blobs()
    events = []
    hook = callbacks.LambdaCallback(
        on_train_begin=lambda logs: events.append("begin"),
        on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch, "loss" in logs)),
        on_train_end=lambda logs: events.append("end"),
    )
    model.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[hook])
    assert events == ["begin", ("epoch", 0, True), ("epoch", 1, True), "end"]
    with pytest.raises(TypeError, match="on_epoch_finish"):
        callbacks.LambdaCallback(on_epoch_finish=print)


def test_auto_mode_takes_each_compiled_metrics_direction_as_keras_does():
    # Keras's MonitorCallback: a loss goes down, a compiled metric the way its class goes,
    # under the name it logs (a string under itself); any other name asks for `mode`.
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", plexus.metrics.AUC(), plexus.metrics.Precision(),
                           plexus.metrics.Recall(), "mae"])  # fmt: skip
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    expected = {"val_auc": ">", "val_precision": ">", "recall": ">", "val_accuracy": ">",
                "val_mae": "<", "val_loss": "<"}  # fmt: skip
    for monitor, way in expected.items():
        for make in (callbacks.EarlyStopping, callbacks.ReduceLROnPlateau):
            watcher = make(monitor=monitor, patience=5)
            model.fit(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[watcher])
            assert watcher.monitor_op(2, 1) == (way == ">"), (make.__name__, monitor)
        checkpoint = callbacks.ModelCheckpoint("unused.keras", monitor=monitor)
        checkpoint.set_model(model)
        checkpoint._set_monitor_op()
        assert checkpoint.monitor_op(2, 1) == (way == ">"), monitor
    with pytest.raises(ValueError, match="monitor=val_sharpness"):
        model.fit(x, y, validation_split=0.25, epochs=1, verbose=0,
                  callbacks=[callbacks.EarlyStopping(monitor="val_sharpness")])  # fmt: skip


def test_callbacks_predict_and_evaluate_with_the_model_being_trained():
    # A common Keras pattern: extra validation figures computed in on_epoch_end.
    model = compiled_mlp()
    x, y = blobs()
    seen = []

    class Probe(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            predicted = self.model.predict(x[:8], verbose=0)
            loss = self.model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
            again = self.model.predict_on_batch(x[:8])
            np.testing.assert_allclose(predicted, again, rtol=1e-6, atol=1e-7)
            logs["probe_loss"] = loss
            seen.append((predicted, loss))

        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                assert self.model(x[:2]).shape == (2, 3)
                with pytest.raises(plexus.InvalidStateError, match="px_model_fit"):
                    self.model.fit(x, y, epochs=1, verbose=0)

    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[Probe()])
    assert len(seen) == 2
    # The epoch-end evaluation saw the weights at that epoch's end: the last one is the final
    # model's.
    final = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(seen[-1][1], final, rtol=1e-6)
    np.testing.assert_allclose(seen[-1][0], model.predict(x[:8], verbose=0), rtol=1e-6, atol=1e-7)
    assert history.history["probe_loss"] == [loss for _, loss in seen]
