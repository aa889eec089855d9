"""`plexus.initializers`: the weight initializers the C library knows, with Keras's names and
configs. Layers take these objects or their names ("glorot_uniform", "zeros", ...)."""

from .saving import keras_object

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
    "LecunUniform", "LecunNormal", "Orthogonal", "get", "serialize",
]


class Initializer:
    """The base: an initializer is its class name and config."""

    _keras_module = "keras.initializers"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class Zeros(Initializer):
    """All zeros. Equivalent to `keras.initializers.Zeros`."""


class Ones(Initializer):
    """All ones. Equivalent to `keras.initializers.Ones`."""


class Constant(Initializer):
    """All `value`. Equivalent to `keras.initializers.Constant`."""

    def __init__(self, value=0.0):
        self.value = value

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal draws. Equivalent to `keras.initializers.RandomNormal`."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal draws within two standard deviations. Equivalent to
    `keras.initializers.TruncatedNormal`."""


class RandomUniform(Initializer):
    """Uniform draws. Equivalent to `keras.initializers.RandomUniform`."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class _VarianceScaling(Initializer):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        self.seed, self.input_axes, self.output_axes = seed, input_axes, output_axes

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_VarianceScaling):
    """Equivalent to `keras.initializers.GlorotUniform`."""


class GlorotNormal(_VarianceScaling):
    """Equivalent to `keras.initializers.GlorotNormal`."""


class HeUniform(_VarianceScaling):
    """Equivalent to `keras.initializers.HeUniform`."""


class HeNormal(_VarianceScaling):
    """Equivalent to `keras.initializers.HeNormal`."""


class LecunUniform(_VarianceScaling):
    """Equivalent to `keras.initializers.LecunUniform`."""


class LecunNormal(_VarianceScaling):
    """Equivalent to `keras.initializers.LecunNormal`."""


class Orthogonal(Initializer):
    """A random orthogonal matrix times `gain` (the recurrent kernels' default).
    Equivalent to `keras.initializers.Orthogonal`."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def get_config(self):
        return {"seed": self.seed, "gain": self.gain}


_NAMES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform,
    "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal, "uniform": RandomUniform, "normal": RandomNormal,
}


def get(identifier):
    """An initializer for a name ("he_normal"), an object, or a serialized dict (kept)."""
    if isinstance(identifier, str) and identifier in _NAMES:
        return _NAMES[identifier]()
    return identifier


def serialize(initializer):
    """Keras's serialized form; an unknown name is left for the C library to judge."""
    initializer = get(initializer)
    if isinstance(initializer, Initializer):
        return keras_object(
            "keras.initializers", type(initializer).__name__, initializer.get_config()
        )
    return initializer
