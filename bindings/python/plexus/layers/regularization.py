"""Regularization layers: GaussianNoise, GaussianDropout, ActivityRegularization,
SpatialDropout1D, SpatialDropout2D
(keras/src/layers/regularization). Dropout is in core.py."""

from ._shapes import data_format as _data_format
from .base import Layer

__all__ = ["GaussianNoise", "SpatialDropout1D", "SpatialDropout2D"]


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise of standard deviation `stddev` while training; the
    identity at inference. Equivalent to `keras.layers.GaussianNoise`."""

    _check_in_library = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(
                f"Invalid value received for argument `stddev`. Expected a float value between "
                f"0 and 1. Received: stddev={stddev}"
            )
        self.stddev = stddev
        self.seed = seed

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(Layer):
    """Multiplies by noise from `N(1, rate / (1 - rate))` while training; the identity at
    inference. Equivalent to `keras.layers.GaussianDropout` (`rate` 1, whose noise Keras makes
    infinite, is refused)."""

    _check_in_library = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value "
                             f"in [0, 1). Received: rate={rate}")  # fmt: skip
        self.rate = rate
        self.seed = seed

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class ActivityRegularization(Layer):
    """Returns its input and adds `(l1 * sum(|x|) + l2 * sum(x**2)) / batch` to the model's
    losses. Equivalent to `keras.layers.ActivityRegularization`."""

    _check_in_library = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.l1 = l1
        self.l2 = l2

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config


class _SpatialDropout(Layer):
    """Dropout of whole feature maps. Keras's config for these holds only rate, seed, name
    and dtype (a string), and so does this one."""

    _check_in_library = True

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`: {rate}; expected [0, 1]")
        self.rate = rate
        self.seed = seed

    def get_config(self):
        dtype = self.dtype_policy
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name", "float32")
        return {
            "rate": self.rate,
            "seed": self.seed,
            "name": self.name,
            "dtype": "float32" if dtype is None else str(getattr(dtype, "name", dtype)),
        }


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of a `(batch, steps, channels)` input while training (the same
    channels at every step), scaling the rest by `1 / (1 - rate)`.
    Equivalent to `keras.layers.SpatialDropout1D`."""


class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of a `(batch, rows, cols, channels)` input while training, scaling
    the rest by `1 / (1 - rate)`. Equivalent to `keras.layers.SpatialDropout2D`."""

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = _data_format(data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
