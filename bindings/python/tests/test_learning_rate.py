"""`model.optimizer.learning_rate` and `.iterations` over px_model_learning_rate,
_set_learning_rate and _iterations, and the callbacks built on them: ReduceLROnPlateau and
LearningRateScheduler, as Keras runs them."""

import ctypes
import math

import numpy as np
import pytest

import plexus
from plexus import callbacks, errors, optimizers
from plexus._lib import lib

from helpers import blobs, mlp

pytestmark = pytest.mark.exports(
    "px_model_fit", "px_model_learning_rate", "px_model_set_learning_rate", "px_model_iterations"
)


def _float32(value):
    return float(np.float32(value))


def compiled(optimizer, trainable=True):
    """The blobs MLP compiled with `optimizer`; frozen (a loss that cannot improve) unless
    `trainable`."""
    model = mlp()
    model.trainable = trainable
    model.compile(
        optimizer=optimizer,
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


# -- model.optimizer.learning_rate and .iterations --------------------------------------------


def test_learning_rate_is_a_plain_attribute_before_compile():
    optimizer = optimizers.SGD(learning_rate=0.05)
    assert optimizer.learning_rate == 0.05
    optimizer.learning_rate = 0.2
    assert optimizer.learning_rate == 0.2
    assert optimizer.get_config()["learning_rate"] == _float32(0.2)
    assert optimizer.iterations == 0


def test_learning_rate_reads_and_sets_the_compiled_model():
    optimizer = optimizers.Adam(learning_rate=0.01)
    model = compiled(optimizer)
    assert model.optimizer is optimizer
    assert optimizer.learning_rate == _float32(0.01)  # compile hands Keras's float32 config
    optimizer.learning_rate = 0.0025
    assert optimizer.learning_rate == 0.0025
    rate = ctypes.c_double()
    assert lib().px_model_learning_rate(model._c, ctypes.byref(rate)) == 0
    assert rate.value == 0.0025
    assert optimizer.get_config()["learning_rate"] == _float32(0.0025)
    optimizer.learning_rate = np.float32(0.5)
    assert optimizer.learning_rate == 0.5


def test_compiling_by_name_binds_the_optimizer_made():
    model = compiled("sgd")
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    model.optimizer.learning_rate = 0.3
    assert model.optimizer.learning_rate == 0.3


def test_iterations_count_the_steps_of_fit_and_train_on_batch():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.01))
    assert model.optimizer.iterations == 0
    model.fit(x, y, epochs=2, batch_size=64, verbose=0)
    assert model.optimizer.iterations == 8
    model.train_on_batch(x[:16], y[:16])
    assert model.optimizer.iterations == 9


def test_a_rate_of_zero_set_after_compile_stops_the_weights_moving():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    model.optimizer.learning_rate = 0.0
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("rate", [math.nan, math.inf, -math.inf, -0.1])
def test_bad_rates_are_refused_and_leave_the_rate(rate):
    model = compiled(optimizers.SGD(learning_rate=0.5))
    with pytest.raises(ValueError, match="learning_rate"):
        model.optimizer.learning_rate = rate
    with pytest.raises(errors.InvalidArgumentError, match="px_model_set_learning_rate"):
        plexus._lib.check(lib().px_model_set_learning_rate(model._c, rate))
    assert model.optimizer.learning_rate == 0.5


def test_the_c_calls_refuse_a_model_that_is_not_compiled():
    model = mlp(name="uncompiled_mlp")
    rate, steps = ctypes.c_double(-1), ctypes.c_int64(-1)
    with pytest.raises(errors.InvalidStateError, match="uncompiled_mlp"):
        plexus._lib.check(lib().px_model_learning_rate(model._c, ctypes.byref(rate)))
    with pytest.raises(errors.InvalidStateError, match="uncompiled_mlp"):
        plexus._lib.check(lib().px_model_set_learning_rate(model._c, 0.1))
    with pytest.raises(errors.InvalidStateError, match="uncompiled_mlp"):
        plexus._lib.check(lib().px_model_iterations(model._c, ctypes.byref(steps)))
    assert rate.value == -1 and steps.value == -1


def test_a_schedule_reads_its_value_at_the_step_and_cannot_be_set_after_compile():
    x, y = blobs()
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = optimizers.SGD(learning_rate=schedule)
    # Held: an optimizer follows the model it is compiled into only while that model lives.
    model = compiled(optimizer)
    model.fit(x, y, epochs=1, batch_size=128, verbose=0)  # 2 steps
    assert optimizer.learning_rate == pytest.approx(0.025)
    with pytest.raises(NotImplementedError, match="schedule"):
        optimizer.learning_rate = schedule
    assert optimizer.get_config()["learning_rate"]["class_name"] == "ExponentialDecay"
    optimizer.learning_rate = 0.2  # a fixed rate replaces the schedule, as in Swift
    assert optimizer.learning_rate == 0.2


def test_an_optimizer_compiled_into_another_model_follows_that_model():
    first = optimizers.SGD(learning_rate=0.1)
    model = compiled(first)
    model.compile(optimizer=optimizers.SGD(learning_rate=0.4), loss="mse")
    first.learning_rate = 0.7  # no longer the model's: a plain attribute again
    assert first.learning_rate == 0.7
    assert model.optimizer.learning_rate == _float32(0.4)


# -- ReduceLROnPlateau -------------------------------------------------------------------------


def test_reduce_lr_on_plateau_lowers_the_rate_after_patience_flat_epochs():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1), trainable=False)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    history = model.fit(x, y, epochs=6, batch_size=64, verbose=0, callbacks=[reduce])
    # Epoch 0 sets the best loss; epochs 2 and 4 end 2 flat epochs each (logged before the cut).
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.025)  # epoch 5 is 1 flat epoch
    assert len(history.history["loss"]) == 6


def test_reduce_lr_on_plateau_stops_at_min_lr():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1), trainable=False)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, min_lr=0.005)
    history = model.fit(x, y, epochs=5, batch_size=64, verbose=0, callbacks=[reduce])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.01, 0.005, 0.005])
    assert model.optimizer.learning_rate == pytest.approx(0.005)


def test_reduce_lr_on_plateau_waits_cooldown_epochs_after_a_cut(capsys):
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1), trainable=False)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=2,
                                         verbose=1)  # fmt: skip
    history = model.fit(x, y, epochs=7, batch_size=64, verbose=0, callbacks=[reduce])
    expected = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    assert history.history["learning_rate"] == pytest.approx(expected)
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05" in capsys.readouterr().out


def test_reduce_lr_on_plateau_keeps_the_rate_while_the_loss_improves():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.05))
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", patience=1, min_delta=0)
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[reduce])
    assert history.history["learning_rate"] == pytest.approx([0.05] * 3)


def test_reduce_lr_on_plateau_checks_its_arguments():
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.warns(UserWarning, match="unknown"):
        reduce = callbacks.ReduceLROnPlateau(mode="sideways")
    assert reduce.mode == "auto"
    assert (reduce.monitor, reduce.factor, reduce.patience, reduce.min_delta, reduce.cooldown,
            reduce.min_lr) == ("val_loss", 0.1, 10, 1e-4, 0, 0.0)  # fmt: skip


def test_reduce_lr_on_plateau_warns_when_the_monitor_is_missing():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    with pytest.warns(UserWarning, match="val_loss"):
        history = model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ReduceLROnPlateau()])
    assert history.history["learning_rate"] == pytest.approx([0.1])


# -- LearningRateScheduler ---------------------------------------------------------------------


def test_learning_rate_scheduler_sets_the_rate_each_epoch_and_history_records_it():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.1 / (epoch + 1)

    history = model.fit(x, y, epochs=3, batch_size=64, verbose=0,
                        callbacks=[callbacks.LearningRateScheduler(schedule)])  # fmt: skip
    # float32, as Keras reads its rate variable: [0.10000000149011612, 0.05000000074505806, ...]
    assert history.history["learning_rate"] == [_float32(0.1), _float32(0.05), _float32(0.1 / 3)]
    assert seen == pytest.approx([0.1, 0.1, 0.05])
    assert model.optimizer.learning_rate == pytest.approx(0.1 / 3)
    assert set(history.history) == {"loss", "learning_rate"}


def test_learning_rate_scheduler_takes_a_one_argument_schedule_and_a_user_history():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    recorded = callbacks.History()
    scheduler = callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1), verbose=1)
    returned = model.fit(x, y, epochs=2, batch_size=64, verbose=0,
                         callbacks=[scheduler, recorded])  # fmt: skip
    assert returned is recorded
    assert recorded.history["learning_rate"] == pytest.approx([0.01, 0.02])


def test_learning_rate_scheduler_at_zero_trains_nothing():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    before = model.get_weights()
    model.fit(x, y, epochs=2, batch_size=64, verbose=0,
              callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: 0.0)])  # fmt: skip
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_learning_rate_scheduler_refuses_a_schedule_that_returns_no_float():
    x, y = blobs()
    model = compiled(optimizers.SGD(learning_rate=0.1))
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[scheduler])


# -- a loaded model ----------------------------------------------------------------------------


def test_a_loaded_model_has_its_optimizer_bound(tmp_path):
    x, y = blobs()
    model = compiled(optimizers.Adam(learning_rate=0.01))
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    model.optimizer.learning_rate = 0.004
    model.save(tmp_path / "model.keras")
    loaded = plexus.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.optimizer, optimizers.Adam)
    assert loaded.optimizer.learning_rate == pytest.approx(0.004)
    assert loaded.optimizer.iterations == 4
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10)
    history = loaded.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[reduce])
    # Epoch 0 sets the best loss; epoch 1 does not beat it by 10, and halves the rate.
    assert history.history["learning_rate"] == pytest.approx([0.004, 0.004])
    assert loaded.optimizer.learning_rate == pytest.approx(0.002)
    assert loaded.optimizer.iterations == 12
