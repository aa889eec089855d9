"""Activation layers (keras/src/layers/activations): ReLU, LeakyReLU, ELU, PReLU, Softmax and
Identity. The C library computes them; these hold Keras's constructors and configs."""

from .. import constraints, initializers, regularizers
from .base import Layer


class ReLU(Layer):
    """`max(x, 0)` with Keras's options: `max_value` caps it, `negative_slope` scales what is
    below `threshold`. Equivalent to `keras.layers.ReLU`."""

    _check_in_library = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")  # fmt: skip
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")  # fmt: skip
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")  # fmt: skip
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})  # fmt: skip
        return config


class LeakyReLU(Layer):
    """`x` for `x >= 0`, `negative_slope * x` below. Equivalent to `keras.layers.LeakyReLU`
    (which still takes the deprecated name `alpha`)."""

    _check_in_library = True

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or "
                             f"negative value. Received: negative_slope={negative_slope}")  # fmt: skip
        self.negative_slope = negative_slope

    def get_config(self):
        config = super().get_config()
        config.update({"negative_slope": self.negative_slope})
        return config


class ELU(Layer):
    """`x` for `x > 0`, `alpha * (exp(x) - 1)` below. Equivalent to `keras.layers.ELU`."""

    _check_in_library = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha})
        return config


class PReLU(Layer):
    """`x` for `x >= 0`, `alpha * x` below, with `alpha` a trainable weight per feature (one
    per group along `shared_axes`). Equivalent to `keras.layers.PReLU`."""

    _check_in_library = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config


class Softmax(Layer):
    """Softmax over `axis` (the last by default); a mask on the input (from `Masking` or
    `Embedding(mask_zero=True)`) leaves masked entries out, and 0. Equivalent to
    `keras.layers.Softmax`."""

    _check_in_library = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config


class Identity(Layer):
    """Returns its input unchanged. Equivalent to `keras.layers.Identity`."""

    _check_in_library = True
