"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization."""

import numbers

from .. import constraints, initializers, regularizers
from .base import Layer


def _parameters(layer, names, values):
    for name, value in zip(names, values):
        kind = name.rsplit("_", 1)[1]
        module = {"initializer": initializers, "regularizer": regularizers,
                  "constraint": constraints}[kind]  # fmt: skip
        setattr(layer, name, module.get(value))


def _serialized(layer, names):
    result = {}
    for name in names:
        kind = name.rsplit("_", 1)[1]
        module = {"initializer": initializers, "regularizer": regularizers,
                  "constraint": constraints}[kind]  # fmt: skip
        result[name] = module.serialize(getattr(layer, name))
    return result


class BatchNormalization(Layer):
    """Normalizes with the batch's statistics while training and with moving averages at
    inference. Equivalent to `keras.layers.BatchNormalization`."""

    _check_in_library = True
    _objects = (
        "beta_initializer", "gamma_initializer", "moving_mean_initializer",
        "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
        "beta_constraint", "gamma_constraint",
    )  # fmt: skip

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        _parameters(
            self,
            self._objects,
            (beta_initializer, gamma_initializer, moving_mean_initializer,
             moving_variance_initializer, beta_regularizer, gamma_regularizer, beta_constraint,
             gamma_constraint),
        )  # fmt: skip

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                **_serialized(self, self._objects),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config


class LayerNormalization(Layer):
    """Normalizes each sample over `axis` (the last by default).
    Equivalent to `keras.layers.LayerNormalization`."""

    _check_in_library = True
    _objects = (
        "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
        "beta_constraint", "gamma_constraint",
    )  # fmt: skip

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        _parameters(
            self,
            self._objects,
            (beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
             beta_constraint, gamma_constraint),
        )  # fmt: skip

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                **_serialized(self, self._objects),
            }
        )
        return config


class GroupNormalization(Layer):
    """Normalizes each sample over groups of `groups` channels of `axis` (-1 for one group
    per channel), then scales and shifts per channel. Equivalent to
    `keras.layers.GroupNormalization`."""

    _check_in_library = True
    _objects = LayerNormalization._objects

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        for label, value in (("groups", groups), ("axis", axis)):
            if not isinstance(value, numbers.Integral) or isinstance(value, bool):
                raise TypeError(f"GroupNormalization: `{label}` must be an int; received "
                                f"{value!r}")  # fmt: skip
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        _parameters(
            self,
            self._objects,
            (beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
             beta_constraint, gamma_constraint),
        )  # fmt: skip

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "groups": self._resolved_groups(),
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                **_serialized(self, self._objects),
            }
        )
        return config

    def _resolved_groups(self):
        """`groups`, with Keras's -1 (one group per channel) resolved to the channel count once
        the layer has an input of known channels or built weights, as Keras's build resolves
        it."""
        if self.groups != -1:
            return self.groups
        if self._inbound_nodes:
            shape = self._inbound_nodes[0].inputs[0].shape
            try:
                channels = shape[self.axis]
            except IndexError:
                channels = None
            if channels is not None:
                return int(channels)
        # The per-channel gamma or beta, once a model built them.
        weights = self.weights
        return int(weights[0].shape[0]) if weights else self.groups


class UnitNormalization(Layer):
    """Scales each vector along `axis` (an axis or a list of them) to unit L2 norm.
    Equivalent to `keras.layers.UnitNormalization`."""

    _check_in_library = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Invalid value for `axis` argument: expected an int or a "
                            f"list/tuple of ints. Received: axis={axis}")  # fmt: skip

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
