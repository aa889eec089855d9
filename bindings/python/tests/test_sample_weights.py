"""Keras's `sample_weight` and `class_weight` in fit, evaluate, train_on_batch and test_on_batch,
checked against the weighted loss computed here in NumPy from the model's own predictions."""

import numpy as np
import pytest

import plexus
from helpers import blobs, mlp


def frozen_mlp():
    """An MLP compiled with SGD(0): training leaves its weights, so losses can be compared."""
    model = mlp()
    model.compile(
        optimizer=plexus.optimizers.SGD(learning_rate=0.0),
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def per_sample_loss(model, x, y):
    """Sparse categorical cross-entropy of each sample, from the model's logits (float64)."""
    logits = model.predict(x, verbose=0).astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(y)), y]


def weighted_loss(losses, weights, batch_size):
    """Keras's loss over batches: each batch's sum of weighted losses over its size, averaged
    over the batches by their sizes."""
    total, count = 0.0, 0
    for start in range(0, len(losses), batch_size):
        batch = slice(start, start + batch_size)
        size = len(losses[batch])
        total += (losses[batch] * weights[batch]).sum() / size * size
        count += size
    return total / count


def test_evaluate_weighs_each_samples_loss_as_keras_does():
    x, y = blobs(samples=96)
    model = frozen_mlp()
    weights = np.random.default_rng(3).uniform(0, 2, 96).astype(np.float32)
    losses = per_sample_loss(model, x, y)
    plain = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    weighted = model.evaluate(x, y, batch_size=32, sample_weight=weights, verbose=0,
                              return_dict=True)  # fmt: skip
    assert weighted["loss"] == pytest.approx(weighted_loss(losses, weights, 32), rel=1e-5)
    assert plain["loss"] == pytest.approx(losses.mean(), rel=1e-5)
    # Metrics stay unweighted, as Keras's `metrics` (not `weighted_metrics`).
    assert weighted["accuracy"] == plain["accuracy"]
    # A [samples, 1] column is the same weights.
    column = model.evaluate(x, y, batch_size=32, sample_weight=weights[:, None], verbose=0)
    assert column[0] == pytest.approx(weighted["loss"], rel=1e-6)


def test_fit_with_class_weight_logs_the_class_weighted_loss():
    x, y = blobs(samples=96)
    model = frozen_mlp()
    class_weight = {0: 0.5, 1: 2.0, 2: 3.0}
    expected = weighted_loss(
        per_sample_loss(model, x, y), np.array([class_weight[c] for c in y]), 32)
    history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, class_weight=class_weight,
                        verbose=0)  # fmt: skip
    assert history.history["loss"] == pytest.approx([expected, expected], rel=1e-5)
    # One-hot labels pick their class by the largest entry, as Keras's conversion does.
    onehot = mlp()
    onehot.set_weights(model.get_weights())
    onehot.compile(optimizer=plexus.optimizers.SGD(learning_rate=0.0),
                   loss=plexus.losses.CategoricalCrossentropy(from_logits=True))  # fmt: skip
    history = onehot.fit(x, np.eye(3, dtype=np.float32)[y], batch_size=32, shuffle=False,
                         class_weight=class_weight, verbose=0)  # fmt: skip
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_class_weight_trains_as_the_same_sample_weights():
    x, y = blobs(samples=128)
    class_weight = {0: 0.25, 1: 1.0, 2: 4.0}
    results = []
    for arguments in ({"class_weight": class_weight},
                      {"sample_weight": np.array([class_weight[c] for c in y], np.float32)}):
        plexus.utils.set_random_seed(7)
        model = mlp()
        model.compile(optimizer="adam",
                      loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, **arguments)
        results.append((history.history["loss"], model.get_weights()))
    (loss_a, weights_a), (loss_b, weights_b) = results
    assert loss_a == loss_b
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)


def test_zero_weights_leave_the_model_untrained():
    x, y = blobs(samples=64)
    model = mlp()
    model.compile(optimizer=plexus.optimizers.SGD(learning_rate=0.5),
                  loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.get_weights()
    model.fit(x, y, batch_size=16, sample_weight=np.zeros(64, np.float32), verbose=0)
    loss = model.train_on_batch(x, y, class_weight={0: 0.0, 1: 0.0, 2: 0.0})
    assert loss == 0.0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # And weights that are not zero do train it.
    model.train_on_batch(x, y, sample_weight=np.ones(64, np.float32))
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_train_and_test_on_batch_weigh_the_batch():
    x, y = blobs(samples=48)
    model = frozen_mlp()
    weights = np.linspace(0, 2, 48, dtype=np.float32)
    expected = (per_sample_loss(model, x, y) * weights).mean()
    assert model.test_on_batch(x, y, sample_weight=weights)[0] == pytest.approx(expected, 1e-5)
    logs = model.train_on_batch(x, y, sample_weight=weights, return_dict=True)
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)


def test_validation_data_with_weights_and_a_split_that_takes_them_along():
    x, y = blobs(samples=100)
    model = frozen_mlp()
    losses = per_sample_loss(model, x, y)
    weights = np.random.default_rng(5).uniform(0, 3, 100).astype(np.float32)
    history = model.fit(x, y, batch_size=25, validation_data=(x, y, weights), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        weighted_loss(losses, weights, 25), rel=1e-5)
    # validation_split holds out the last 20 samples with their weights.
    history = model.fit(x, y, batch_size=20, validation_split=0.2, sample_weight=weights,
                        shuffle=False, verbose=0)  # fmt: skip
    assert history.history["val_loss"][0] == pytest.approx(
        weighted_loss(losses[80:], weights[80:], 20), rel=1e-5)
    assert history.history["loss"][0] == pytest.approx(
        weighted_loss(losses[:80], weights[:80], 20), rel=1e-5)


def test_bad_weights_are_refused_naming_them():
    x, y = blobs(samples=32)
    model = frozen_mlp()
    before = model.get_weights()
    with pytest.raises(ValueError, match="class_weight must be a dict"):
        model.fit(x, y, class_weight=[1.0, 2.0, 3.0], verbose=0)
    with pytest.raises(ValueError, match="class ids"):
        model.fit(x, y, class_weight={0.5: 1.0}, verbose=0)
    with pytest.raises(plexus.errors.PlexusError, match="sampleWeight"):
        model.fit(x, y, sample_weight=np.ones(31, np.float32), verbose=0)
    with pytest.raises(plexus.errors.PlexusError, match="finite"):
        model.evaluate(x, y, sample_weight=np.full(32, np.nan, np.float32), verbose=0)
    with pytest.raises(plexus.errors.PlexusError, match="classWeight"):
        model.fit(x, y, sample_weight=np.ones(32), class_weight={0: 1.0}, verbose=0)
    with pytest.raises(plexus.errors.PlexusError, match="class -1"):
        model.train_on_batch(x, y, class_weight={-1: 1.0})
    with pytest.raises(ValueError, match="one number per sample"):
        model.evaluate(x, y, sample_weight=["a"] * 32, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, y, validation_data=(x,), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


class _Batches(plexus.utils.PyDataset):
    """Batches of 32 in order from arrays; `one_hot` hands the labels over one-hot."""

    def __init__(self, x, y, one_hot=False, weights=None):
        super().__init__()
        self.x, self.y, self.weights = x, np.eye(3, dtype=np.float32)[y] if one_hot else y, weights

    def __len__(self):
        return -(-len(self.x) // 32)

    def __getitem__(self, index):
        batch = slice(index * 32, (index + 1) * 32)
        if self.weights is None:
            return self.x[batch], self.y[batch]
        return self.x[batch], self.y[batch], self.weights[batch]


@pytest.mark.parametrize("one_hot", [False, True])
def test_class_weight_weighs_a_datasets_batches_as_the_arrays(one_hot):
    x, y = blobs(samples=96)
    class_weight = {0: 0.25, 2: 4.0}  # class 1 unlisted: weight 1, as Keras
    results = []
    for over_dataset in (True, False):
        plexus.utils.set_random_seed(7)
        model = mlp()
        loss = (plexus.losses.CategoricalCrossentropy if one_hot and over_dataset
                else plexus.losses.SparseCategoricalCrossentropy)  # fmt: skip
        model.compile(optimizer="adam", loss=loss(from_logits=True))
        if over_dataset:
            history = model.fit(_Batches(x, y, one_hot), epochs=2, verbose=0,
                                class_weight=class_weight)  # fmt: skip
        else:
            history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, shuffle=False,
                                class_weight=class_weight)  # fmt: skip
        results.append((history.history["loss"], model.get_weights()))
    (loss_a, weights_a), (loss_b, weights_b) = results
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5)
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_class_weight_over_a_dataset_refuses_batch_weights_and_bad_maps():
    x, y = blobs(samples=64)
    model = frozen_mlp()
    with pytest.raises(ValueError, match="class_weight and a batch's sample_weight"):
        model.fit(_Batches(x, y, weights=np.ones(64, np.float32)), verbose=0,
                  class_weight={0: 2.0})  # fmt: skip
    with pytest.raises(ValueError, match="finite weights"):
        model.fit(_Batches(x, y), verbose=0, class_weight={0: float("nan")})
    with pytest.raises(ValueError, match="sample_weight must stay unset"):
        model.fit(_Batches(x, y), verbose=0, sample_weight=np.ones(64))


def test_class_weight_over_a_dataset_reads_one_target_in_a_list_and_refuses_sequences():
    x, y = blobs(samples=64)
    model = frozen_mlp()

    class Listed(_Batches):
        def __getitem__(self, index):
            features, labels = super().__getitem__(index)
            return features, [labels]

    model.fit(Listed(x, y), verbose=0, class_weight={0: 2.0})
    sequences = np.zeros((64, 3, 1), np.float32)
    with pytest.raises(ValueError, match="class ids"):
        model.fit(_Batches(x, sequences), verbose=0, class_weight={0: 2.0})
