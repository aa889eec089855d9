"""`plexus.regularizers`: weight penalties with Keras's names and configs."""

from .saving import keras_object

__all__ = ["Regularizer", "L1", "L2", "L1L2", "get", "serialize"]


class Regularizer:
    _keras_module = "keras.regularizers"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1(Regularizer):
    """`l1 * sum(|w|)`. Equivalent to `keras.regularizers.L1`."""

    def __init__(self, l1=0.01):
        self.l1 = l1

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(w ** 2)`. Equivalent to `keras.regularizers.L2`."""

    def __init__(self, l2=0.01):
        self.l2 = l2

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Both penalties. Equivalent to `keras.regularizers.L1L2`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = l1, l2

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier):
    if identifier == "l1":
        return L1()
    if identifier == "l2":
        return L2()
    return identifier


def serialize(regularizer):
    regularizer = get(regularizer)
    if isinstance(regularizer, Regularizer):
        name = type(regularizer).__name__
        return keras_object("keras.regularizers", name, regularizer.get_config())
    return regularizer
