"""Learning-rate schedules called in Python, against values Keras 3.15.1 gave for the same
calls (`keras.optimizers.schedules`, NumPy backend)."""

import math

import pytest

from plexus.optimizers import schedules


def test_cosine_decay_restarts_shortening_periods():
    # t_mul 0.5: the 2nd period lasts 5 steps, the 3rd 2.5, ...; step 19 is in the 5th.
    schedule = schedules.CosineDecayRestarts(1.0, 10, t_mul=0.5)
    assert schedule(5) == pytest.approx(0.4999999701976776, rel=1e-6)
    assert schedule(19) == pytest.approx(0.6545090675354004, rel=1e-6)


@pytest.mark.parametrize("t_mul, step", [(0.5, 100), (-1.0, 5), (0.0, 30)])
def test_cosine_decay_restarts_past_its_end_is_nan_as_in_keras(t_mul, step):
    # The periods sum to first_decay_steps / (1 - t_mul): Keras takes the log of a value ≤ 0
    # past it and gives NaN rather than raising.
    assert math.isnan(schedules.CosineDecayRestarts(1.0, 10, t_mul=t_mul)(step))


def test_cosine_decay_restarts_overflow_is_infinite_as_in_keras():
    # m_mul 0 raised to a negative restart count: Keras divides by zero and gives inf.
    schedule = schedules.CosineDecayRestarts(1.0, 10, t_mul=0.5, m_mul=0.0)
    assert math.isinf(schedule(-100))
