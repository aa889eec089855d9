"""fit, evaluate and predict over a plexus.utils.PyDataset (Keras's PyDataset): the batches asked
for, the epoch hooks, the results against the same data as arrays, and errors raised as raised."""

import threading

import numpy as np
import pytest

import plexus
from helpers import blobs, compiled_mlp


class Blobs(plexus.utils.PyDataset):
    """Batches of 32 from arrays, reshuffled after each epoch with a seeded generator."""

    def __init__(self, x, y, shuffle=False, weights=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.weights = x, y, weights
        self.order = np.arange(len(x))
        self.shuffle = shuffle
        self.rng = np.random.default_rng(0)
        self.asked, self.threads, self.epochs = [], set(), []

    def __len__(self):
        return -(-len(self.x) // 32)

    def __getitem__(self, index):
        self.asked.append(index)
        self.threads.add(threading.get_ident())
        rows = self.order[index * 32:(index + 1) * 32]
        if self.weights is not None:
            return self.x[rows], self.y[rows], self.weights[rows]
        return self.x[rows], self.y[rows]

    def on_epoch_begin(self):
        self.epochs.append("begin")

    def on_epoch_end(self):
        self.epochs.append("end")
        if self.shuffle:
            self.order = self.rng.permutation(len(self.x))


def test_fit_over_a_dataset_equals_fit_over_the_arrays_unshuffled():
    x, y = blobs(samples=200)
    plexus.utils.set_random_seed(3)
    by_arrays = compiled_mlp()
    arrays_history = by_arrays.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    plexus.utils.set_random_seed(3)
    by_dataset = compiled_mlp()
    dataset = Blobs(x, y)
    history = by_dataset.fit(dataset, epochs=2, verbose=0)
    assert dataset.asked == list(range(7)) * 2
    assert dataset.epochs == ["begin", "end"] * 2
    np.testing.assert_allclose(history.history["loss"], arrays_history.history["loss"], rtol=1e-6)
    for a, b in zip(by_dataset.get_weights(), by_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    logs = by_dataset.evaluate(Blobs(x, y), return_dict=True, verbose=0)
    expected = by_dataset.evaluate(x, y, return_dict=True, verbose=0)
    assert logs["accuracy"] == pytest.approx(expected["accuracy"])
    np.testing.assert_allclose(by_dataset.predict(Blobs(x, y), verbose=0),
                               by_dataset.predict(x, verbose=0), rtol=1e-6)  # fmt: skip


def test_workers_make_batches_ahead_on_a_library_thread_and_validation_is_a_dataset():
    x, y = blobs(samples=256)
    model = compiled_mlp()
    dataset = Blobs(x, y, shuffle=True, workers=2, max_queue_size=3)
    history = model.fit(dataset, epochs=3, validation_data=Blobs(x[:64], y[:64]), verbose=0)
    assert len(history.history["val_loss"]) == 3
    assert threading.get_ident() not in dataset.threads
    assert history.history["accuracy"][-1] > 0.6


def test_sample_weights_from_the_dataset_weigh_the_loss():
    x, y = blobs(samples=64)
    model = compiled_mlp()
    zero = model.fit(Blobs(x, y, weights=np.zeros(64, np.float32)), epochs=1, verbose=0)
    assert zero.history["loss"] == [0.0]


def test_an_exception_in_the_dataset_is_raised_as_raised():
    class Broken(Blobs):
        def __getitem__(self, index):
            if index == 2:
                raise KeyError("shard 2 is missing")
            return super().__getitem__(index)

    x, y = blobs(samples=128)
    model = compiled_mlp()
    for workers in (1, 2):
        with pytest.raises(KeyError, match="shard 2"):
            model.fit(Broken(x, y, workers=workers), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="y, batch_size"):
        model.fit(Blobs(x, y), y, verbose=0)
    with pytest.raises(NotImplementedError):
        Blobs(x, y, use_multiprocessing=True)

    class Empty(Blobs):
        def __len__(self):
            return 0

    with pytest.raises(ValueError, match="no batches"):
        model.evaluate(Empty(x, y), verbose=0)
