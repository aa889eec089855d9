"""`fit(validation_freq=...)`, as Keras's: validation after every nth epoch or after the listed
epochs (counted from 1); the other epochs log no `val_` entries."""

import numpy as np
import pytest

import plexus
from plexus import callbacks, layers

pytestmark = pytest.mark.exports("px_model_fit", "px_model_fit_dataset")


def _validated_epochs(validation_freq, dataset=False):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x[:, :1] * 2
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    listener = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(epoch) if "val_loss" in logs else None)
    if dataset:
        class Batches(plexus.utils.PyDataset):
            def __len__(self):
                return 2

            def __getitem__(self, index):
                return x[index * 16:(index + 1) * 16], y[index * 16:(index + 1) * 16]

        history = model.fit(Batches(), epochs=6, verbose=0, callbacks=[listener],
                            validation_data=Batches(), validation_freq=validation_freq)  # fmt: skip
    else:
        history = model.fit(x, y, epochs=6, batch_size=16, verbose=0, callbacks=[listener],
                            validation_data=(x, y), validation_freq=validation_freq)  # fmt: skip
    assert len(history.history["loss"]) == 6
    assert len(history.history.get("val_loss", [])) == len(seen)
    return seen


@pytest.mark.parametrize("dataset", [False, True])
def test_validation_runs_after_the_epochs_keras_would(dataset):
    assert _validated_epochs(1, dataset) == [0, 1, 2, 3, 4, 5]
    assert _validated_epochs(2, dataset) == [1, 3, 5]
    assert _validated_epochs([1, 4, 9], dataset) == [0, 3]
    assert _validated_epochs([], dataset) == []


def test_bad_frequencies_are_refused_before_training():
    x = np.ones((8, 3), "float32")
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    for bad, error, words in ((0.5, ValueError, "validation_freq"),
                              ("2", ValueError, "validation_freq"),
                              (None, ValueError, "validation_freq"),
                              (0, ValueError, "validation_freq"),
                              (-1, ValueError, "validation_freq"),
                              ([0, 2], plexus.InvalidArgumentError, "validation_epochs")):  # fmt: skip
        with pytest.raises(error, match=words):
            model.fit(x, x[:, :1], epochs=2, verbose=0, validation_data=(x, x[:, :1]),
                      validation_freq=bad)  # fmt: skip
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_validation_batch_size_sets_the_validation_batches():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(10, 3)).astype("float32")
    model = plexus.Sequential([plexus.Input(shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    for size, expected in ((None, 1), (4, 3), (10, 1)):
        batches = []
        counter = callbacks.LambdaCallback()
        counter.on_test_batch_end = lambda batch, logs=None: batches.append(batch)
        model.fit(x, x[:, :1], epochs=1, batch_size=10, verbose=0, callbacks=[counter],
                  validation_data=(x, x[:, :1]), validation_batch_size=size)  # fmt: skip
        assert len(batches) == expected, size
