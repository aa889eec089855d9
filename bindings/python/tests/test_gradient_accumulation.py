"""`gradient_accumulation_steps` from Python: accumulated batches train as their union would,
and `optimizer.iterations` counts the updates, as Keras's."""

import numpy as np

import plexus
from helpers import blobs, mlp


def trained(batch_size, **optimizer_arguments):
    x, y = blobs(samples=64)
    plexus.utils.set_random_seed(3)
    model = mlp()
    model.compile(optimizer=plexus.optimizers.SGD(learning_rate=0.1, **optimizer_arguments),
                  loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0)
    return model


def test_two_accumulated_batches_step_as_their_union():
    accumulated = trained(8, gradient_accumulation_steps=2)
    whole = trained(16)
    for a, b in zip(accumulated.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(accumulated.optimizer.iterations) == 8
    assert accumulated.optimizer.get_config()["gradient_accumulation_steps"] == 2
