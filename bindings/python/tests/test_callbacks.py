"""Callbacks: the hooks fit / evaluate / predict call, exceptions raised in them,
stop_training, EarlyStopping, LambdaCallback and the progress bar."""

import math
import os
import signal
import threading
import time
import traceback

import numpy as np
import pytest

import plexus
from plexus import callbacks

from helpers import blobs, compiled_mlp

pytestmark = pytest.mark.exports("px_model_fit", "px_model_stop_training")


class Recorder(callbacks.Callback):
    """Records every hook call as (hook name, first argument)."""

    def __init__(self):
        super().__init__()
        self.events = []


def _recording(name):
    def hook(self, *args, **kwargs):
        self.events.append((name, *args[:1]))

    return hook


for _name in [n for n in vars(callbacks.Callback) if n.startswith("on_")]:
    if _name not in ("on_batch_begin", "on_batch_end"):
        setattr(Recorder, _name, _recording(_name))


def test_hooks_run_in_keras_order_with_params():
    x, y = blobs(samples=100)
    recorder = Recorder()
    model = compiled_mlp()
    model.fit(
        x, y, batch_size=25, epochs=2, validation_split=0.2, callbacks=[recorder], verbose=0
    )
    names = [event[0] for event in recorder.events]
    steps = math.ceil(80 / 25)
    # Keras's sequence: per epoch, the batches, then the validation pass, then on_epoch_end.
    epoch = (
        ["on_epoch_begin"]
        + ["on_train_batch_begin", "on_train_batch_end"] * steps
        + ["on_test_begin"]
        + ["on_test_batch_begin", "on_test_batch_end"]
        + ["on_test_end", "on_epoch_end"]
    )
    assert names == ["on_train_begin"] + epoch * 2 + ["on_train_end"]
    batches = [event[1] for event in recorder.events if event[0] == "on_train_batch_begin"]
    assert batches == list(range(steps)) * 2
    epoch_ends = [event[1] for event in recorder.events if event[0] == "on_epoch_end"]
    assert epoch_ends == [0, 1]
    assert recorder.params["epochs"] == 2 and recorder.params["steps"] == math.ceil(80 / 25)
    assert recorder.model is model


def test_epoch_logs_hold_metrics_and_validation():
    x, y = blobs(samples=100)
    seen = []
    hook = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(dict(logs)))
    compiled_mlp().fit(x, y, epochs=2, validation_split=0.2, callbacks=[hook], verbose=0)
    assert len(seen) == 2
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(seen[0])


def raise_in_hook(epoch, logs):
    if epoch == 1:
        raise ValueError("callback failed on purpose")


def test_exception_in_callback_stops_fit_and_reraises_with_its_traceback():
    x, y = blobs(samples=64)
    epochs = []
    hooks = [
        callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs.append(epoch)),
        callbacks.LambdaCallback(on_epoch_end=raise_in_hook),
    ]
    with pytest.raises(ValueError, match="callback failed on purpose") as info:
        compiled_mlp().fit(x, y, epochs=10, callbacks=hooks, verbose=0)
    assert epochs == [0, 1]
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert frames[-1] == "raise_in_hook"
    assert "fit" in frames


def test_exception_in_batch_hook_stops_after_that_batch():
    x, y = blobs(samples=320)
    batches = []

    def on_batch_end(batch, logs):
        batches.append(batch)
        if batch == 2:
            raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        compiled_mlp().fit(
            x, y, batch_size=32, epochs=3,
            callbacks=[callbacks.LambdaCallback(on_train_batch_end=on_batch_end)], verbose=0,
        )  # fmt: skip
    assert batches == [0, 1, 2]


def test_exception_in_evaluate_and_predict_hooks():
    x, y = blobs(samples=64)
    model = compiled_mlp()

    class Fails(callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            raise RuntimeError("evaluate hook")

        def on_predict_batch_end(self, batch, logs=None):
            raise RuntimeError("predict hook")

    with pytest.raises(RuntimeError, match="evaluate hook"):
        model.evaluate(x, y, callbacks=[Fails()], verbose=0)
    with pytest.raises(RuntimeError, match="predict hook"):
        model.predict(x, callbacks=[Fails()], verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] > 0  # the model still works


def test_stop_training_from_a_callback_ends_fit_normally():
    x, y = blobs(samples=64)

    class StopAfterTwo(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    history = compiled_mlp().fit(x, y, epochs=10, callbacks=[StopAfterTwo()], verbose=0)
    assert len(history.history["loss"]) == 2
    assert history.epoch == [0, 1]


def test_training_the_model_from_its_own_callback_is_refused():
    x, y = blobs(samples=32)

    class Nested(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.fit(x, y, epochs=1, verbose=0)

    with pytest.raises(plexus.InvalidStateError, match="progress callback"):
        compiled_mlp().fit(x, y, epochs=2, callbacks=[Nested()], verbose=0)


def test_weights_can_be_read_during_fit():
    x, y = blobs(samples=64)
    kernels = []
    hook = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: kernels.append(model.get_weights()[0])
    )
    model = compiled_mlp()
    model.fit(x, y, epochs=2, callbacks=[hook], verbose=0)
    assert len(kernels) == 2 and not np.array_equal(kernels[0], kernels[1])


def test_early_stopping_stops_when_the_loss_stalls_and_restores_the_best_weights():
    # mode="max" on a falling loss: the first epoch is the best and every later one is worse,
    # while training keeps changing the weights; the stopper must put the first epoch's back.
    x, y = blobs(samples=64)
    model = compiled_mlp()
    model.compile(
        optimizer=plexus.optimizers.SGD(learning_rate=0.1),
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    stopper = callbacks.EarlyStopping(
        monitor="loss", mode="max", patience=2, restore_best_weights=True
    )
    at_epoch_end = []
    recorder = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: at_epoch_end.append(model.get_weights())
    )
    history = model.fit(x, y, epochs=20, callbacks=[recorder, stopper], verbose=0)
    epochs = len(history.history["loss"])
    assert epochs < 20 and stopper.stopped_epoch == epochs - 1
    assert stopper.best_epoch < stopper.stopped_epoch
    best, last = at_epoch_end[stopper.best_epoch], at_epoch_end[-1]
    assert any(not np.array_equal(b, l) for b, l in zip(best, last))  # the weights moved on
    for ours, theirs in zip(model.get_weights(), best):
        np.testing.assert_array_equal(ours, theirs)


def test_early_stopping_on_validation_accuracy():
    x, y = blobs(samples=200)
    stopper = callbacks.EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.5)
    history = compiled_mlp().fit(
        x, y, epochs=30, validation_split=0.2, callbacks=[stopper], verbose=0
    )
    assert len(history.history["loss"]) < 30
    assert stopper.monitor_op(1.0, 0.0)  # "auto" maximizes an accuracy


def test_progress_bar_verbose_1_and_2(capsys):
    x, y = blobs(samples=64)
    model = compiled_mlp()
    model.fit(x, y, batch_size=16, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out and "━" in out and "/step" in out and "accuracy:" in out and "loss:" in out
    model.fit(x, y, batch_size=16, epochs=2, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if "loss:" in line]
    assert len(lines) == 2 and lines[0].startswith("4/4 - ")
    model.fit(x, y, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(x, y, verbose=1)
    assert "loss:" in capsys.readouterr().out
    model.predict(x, verbose="auto")
    assert "/step" in capsys.readouterr().out


def test_history_callback_passed_by_the_user_is_returned():
    x, y = blobs(samples=32)
    history = callbacks.History()
    returned = compiled_mlp().fit(x, y, epochs=2, callbacks=[history], verbose=0)
    assert returned is history and len(history.history["loss"]) == 2


def test_models_train_in_parallel_threads_with_their_own_callbacks():
    import threading

    x, y = blobs(samples=128)
    results, errors = {}, []

    def train(key):
        try:
            seen = []
            hook = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
            history = compiled_mlp().fit(x, y, batch_size=32, epochs=2, callbacks=[hook], verbose=0)
            results[key] = (len(seen), len(history.history["loss"]))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=train, args=(key,)) for key in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == {key: (8, 2) for key in range(3)}


@pytest.mark.parametrize("verbose", [0, 2])
def test_ctrl_c_during_fit_raises_keyboard_interrupt_promptly(verbose):
    # SIGINT arrives while the C library trains; Python's handler can only run inside the
    # progress function, which must stop the call and leave KeyboardInterrupt to be raised.
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("the test runner replaced the SIGINT handler")
    x, y = blobs(samples=4096)
    model = compiled_mlp()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            model.fit(x, y, batch_size=8, epochs=1000, verbose=verbose)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    model.fit(x[:64], y[:64], epochs=1, verbose=0)  # the model still trains afterwards
