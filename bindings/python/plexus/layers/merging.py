"""Merging layers: Add, Concatenate (keras/src/layers/merging)."""

from .base import Layer


class Add(Layer):
    """The sum of its inputs (a list of tensors of one shape). Equivalent to
    `keras.layers.Add`."""

    _check_in_library = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


class Concatenate(Layer):
    """Its inputs joined along `axis`. Equivalent to `keras.layers.Concatenate`."""

    _check_in_library = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config

    def compute_output_shape(self, input_shape):
        shapes = [list(s) for s in input_shape]
        result = list(shapes[0])
        axis = self.axis % len(result)
        sizes = [s[axis] for s in shapes]
        result[axis] = None if None in sizes else sum(sizes)
        return tuple(result)
