"""Small synthetic problems the model tests learn (fast with the debug library)."""

import numpy as np

import plexus
from plexus import layers


def blobs(samples=256, features=4, classes=3, seed=0):
    """Gaussian blobs: `classes` well-separated centres, integer labels."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, features)).astype(np.float32) * 3
    labels = rng.integers(0, classes, samples)
    x = centres[labels] + rng.standard_normal((samples, features)).astype(np.float32) * 0.5
    return x.astype(np.float32), labels.astype(np.int32)


def mlp(features=4, classes=3, hidden=16, name=None):
    return plexus.Sequential(
        [
            plexus.Input(shape=(features,)),
            layers.Dense(hidden, activation="relu"),
            layers.Dense(classes),
        ],
        name=name,
    )


def compiled_mlp(**kwargs):
    model = mlp(**kwargs)
    model.compile(
        optimizer=plexus.optimizers.Adam(learning_rate=0.01),
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def two_towers():
    """Two inputs, two regression outputs."""
    left = plexus.Input(shape=(4,), name="left")
    right = plexus.Input(shape=(3,), name="right")
    merged = layers.Concatenate()([layers.Dense(8, activation="tanh")(left), right])
    hidden = layers.Dense(16, activation="relu")(merged)
    first = layers.Dense(1, name="first")(hidden)
    second = layers.Dense(2, name="second")(hidden)
    return plexus.Model([left, right], [first, second], name="towers")


def tower_data(samples=192, seed=1):
    rng = np.random.default_rng(seed)
    left = rng.standard_normal((samples, 4)).astype(np.float32)
    right = rng.standard_normal((samples, 3)).astype(np.float32)
    first = (left @ np.array([[1.0], [-1.0], [0.5], [0.0]]) + right[:, :1]).astype(np.float32)
    second = np.stack([left[:, 0] * right[:, 1], right.sum(axis=1)], axis=1).astype(np.float32)
    return [left, right], [first, second]
