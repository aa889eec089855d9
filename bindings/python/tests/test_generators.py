"""Python generators of batches in fit, evaluate and predict, with Keras's steps_per_epoch,
validation_steps and steps; and a PyDataset cut to its first batches by them."""

import numpy as np
import pytest

import plexus
from plexus import layers

pytestmark = pytest.mark.exports("px_model_fit_dataset", "px_model_evaluate_dataset",
                                 "px_model_predict_dataset")  # fmt: skip

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def _model():
    model = plexus.Sequential([plexus.Input(shape=(3,)),
                               layers.Dense(1, kernel_initializer="zeros")])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse")
    return model


def _forever(read):
    """Batches of 16 in order, looping; `read` counts the batches taken."""
    while True:
        for start in range(0, 64, 16):
            read.append(start)
            yield X[start:start + 16], Y[start:start + 16]


def test_fit_reads_steps_per_epoch_batches_going_on_where_the_last_epoch_stopped():
    read = []
    history = _model().fit(_forever(read), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    # 3 batches an epoch: the second epoch starts with the generator's 4th batch.
    assert read == [0, 16, 32, 48, 0, 16]
    # The same as fitting those batches from arrays, in that order, without shuffling.
    model = _model()
    order = np.concatenate([np.arange(s, s + 16) for s in (0, 16, 32, 48, 0, 16)])
    for epoch in range(2):
        rows = order[epoch * 48:(epoch + 1) * 48]
        model.fit(X[rows], Y[rows], batch_size=16, epochs=1, shuffle=False, verbose=0)
    expected = _model()
    expected.fit(_forever([]), steps_per_epoch=3, epochs=2, verbose=0)
    np.testing.assert_allclose(expected.get_weights()[0], model.get_weights()[0], rtol=1e-6)


def test_a_finite_generator_without_steps_is_read_once():
    batches = ((X[s:s + 16], Y[s:s + 16]) for s in range(0, 64, 16))
    history = _model().fit(batches, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_validation_evaluate_and_predict_from_generators():
    model = _model()
    model.fit(X, Y, epochs=1, verbose=0)
    history = model.fit(_forever([]), steps_per_epoch=2, epochs=1, verbose=0,
                        validation_data=_forever([]), validation_steps=4)  # fmt: skip
    np.testing.assert_allclose(history.history["val_loss"][0],
                               model.evaluate(X, Y, verbose=0), rtol=1e-5)  # fmt: skip
    np.testing.assert_allclose(model.evaluate(_forever([]), steps=4, verbose=0),
                               model.evaluate(X, Y, verbose=0), rtol=1e-5)  # fmt: skip
    inputs_only = (X[s:s + 16] for s in range(0, 64, 16))
    np.testing.assert_allclose(model.predict(inputs_only, verbose=0),
                               model.predict(X, verbose=0), rtol=1e-6)  # fmt: skip


def test_running_out_and_bad_steps_are_clear_errors():
    short = ((X[s:s + 16], Y[s:s + 16]) for s in range(0, 32, 16))
    with pytest.raises(ValueError, match="ran out of batches after 2"):
        _model().fit(short, steps_per_epoch=3, epochs=1, verbose=0)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="steps_per_epoch"):
            _model().fit(_forever([]), steps_per_epoch=bad, verbose=0)
    with pytest.raises(ValueError, match="no batches"):
        _model().fit(iter([]), verbose=0)
    with pytest.raises(NotImplementedError, match="steps_per_epoch"):
        _model().fit(X, Y, steps_per_epoch=2, verbose=0)


def test_a_pydataset_is_cut_to_its_first_steps():
    seen = []

    class Batches(plexus.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            seen.append(index)
            return X[index * 16:(index + 1) * 16], Y[index * 16:(index + 1) * 16]

    _model().fit(Batches(), steps_per_epoch=2, epochs=2, verbose=0)
    assert seen == [0, 1, 0, 1]
    with pytest.raises(ValueError, match="more than the 4 batches"):
        _model().fit(Batches(), steps_per_epoch=5, verbose=0)


def test_validation_reads_the_same_first_batches_every_epoch_as_keras_does():
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer=plexus.optimizers.SGD(learning_rate=0.0), loss="mse")
    read = []
    history = model.fit(_forever([]), steps_per_epoch=2, epochs=3, verbose=0,
                        validation_data=_forever(read), validation_steps=2)  # fmt: skip
    assert read == [0, 16]  # two batches, read once
    losses = history.history["val_loss"]
    assert len(losses) == 3 and losses[0] == losses[1] == losses[2]
    np.testing.assert_allclose(losses[0], model.evaluate(X[:32], Y[:32], verbose=0), rtol=1e-5)


def test_arrays_validate_a_fit_over_a_generator():
    model = _model()
    history = model.fit(_forever([]), steps_per_epoch=2, epochs=1, verbose=0,
                        validation_data=(X, Y), validation_batch_size=10)  # fmt: skip
    np.testing.assert_allclose(history.history["val_loss"][0], model.evaluate(X, Y, verbose=0),
                               rtol=1e-5)  # fmt: skip
    weights = np.linspace(0, 1, 64).astype("float32")
    history = model.fit(_forever([]), steps_per_epoch=1, epochs=1, verbose=0,
                        validation_data=(X, Y, weights))  # fmt: skip
    np.testing.assert_allclose(history.history["val_loss"][0],
                               model.evaluate(X, Y, sample_weight=weights, verbose=0),
                               rtol=1e-5)  # fmt: skip
