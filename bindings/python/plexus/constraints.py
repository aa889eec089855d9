"""`plexus.constraints`: weight constraints with Keras's names and configs."""

from .saving import keras_object

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "get", "serialize"]


class Constraint:
    _keras_module = "keras.constraints"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Limits each unit's norm. Equivalent to `keras.constraints.MaxNorm`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Clips weights at zero. Equivalent to `keras.constraints.NonNeg`."""


class UnitNorm(Constraint):
    """Scales each unit to norm 1. Equivalent to `keras.constraints.UnitNorm`."""

    def __init__(self, axis=0):
        self.axis = axis

    def get_config(self):
        return {"axis": self.axis}


_NAMES = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}


def get(identifier):
    if isinstance(identifier, str) and identifier in _NAMES:
        return _NAMES[identifier]()
    return identifier


def serialize(constraint):
    constraint = get(constraint)
    if isinstance(constraint, Constraint):
        name = type(constraint).__name__
        return keras_object("keras.constraints", name, constraint.get_config())
    return constraint
