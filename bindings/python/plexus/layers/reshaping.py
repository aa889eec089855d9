"""Reshaping layers: Flatten, Reshape, RepeatVector, Permute, ZeroPadding1D/2D, UpSampling1D/2D,
Cropping1D/2D."""

import numbers

from ._shapes import data_format, product, standardize_pairs, standardize_tuple
from .base import Layer


class Flatten(Layer):
    """Flattens every axis but the batch axis. Equivalent to `keras.layers.Flatten`."""

    _check_in_library = True

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config

    def compute_output_shape(self, input_shape):
        return (input_shape[0], product(input_shape[1:]))


class Reshape(Layer):
    """Reshapes every sample to `target_shape` (one -1 allowed).
    Equivalent to `keras.layers.Reshape`."""

    _check_in_library = True

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config

    def compute_output_shape(self, input_shape):
        dims = list(self.target_shape)
        if -1 in dims:
            known = product(input_shape[1:])
            rest = product([d for d in dims if d != -1])
            dims[dims.index(-1)] = None if known is None or not rest else known // rest
        return (input_shape[0], *dims)


class RepeatVector(Layer):
    """Repeats a `(batch, features)` input `n` times: `(batch, n, features)`.
    Equivalent to `keras.layers.RepeatVector`."""

    _check_in_library = True

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = n

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])


class Permute(Layer):
    """Reorders the axes after the batch axis: `dims` is a permutation of 1...rank-1
    (`Permute((2, 1))` swaps the two axes of a sequence). Equivalent to `keras.layers.Permute`."""

    _check_in_library = True

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )

    def get_config(self):
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))


class ZeroPadding2D(Layer):
    """Pads rows and columns with zeros. Equivalent to `keras.layers.ZeroPadding2D`."""

    _check_in_library = True

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = standardize_pairs(padding, "padding")
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": [list(p) for p in self.padding], "data_format": self.data_format})
        return config

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.padding
        return (
            batch,
            None if height is None else height + top + bottom,
            None if width is None else width + left + right,
            channels,
        )


class UpSampling2D(Layer):
    """Repeats rows and columns `size` times ("nearest") or interpolates ("bilinear").
    Equivalent to `keras.layers.UpSampling2D`."""

    _check_in_library = True

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = standardize_tuple(size, 2, "size")
        self.data_format = _data_format(data_format)
        self.interpolation = interpolation

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "size": list(self.size),
                "data_format": self.data_format,
                "interpolation": self.interpolation,
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (
            batch,
            None if height is None else height * self.size[0],
            None if width is None else width * self.size[1],
            channels,
        )


class Cropping2D(Layer):
    """Removes rows and columns at the edges. Equivalent to `keras.layers.Cropping2D`."""

    _check_in_library = True

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_pairs(cropping, "cropping")
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"cropping": [list(p) for p in self.cropping], "data_format": self.data_format}
        )
        return config

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.cropping
        return (
            batch,
            None if height is None else height - top - bottom,
            None if width is None else width - left - right,
            channels,
        )


class ZeroPadding3D(Layer):
    """Pads a volume with zeros along depth, height and width.
    Equivalent to `keras.layers.ZeroPadding3D`."""

    _check_in_library = True

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = standardize_pairs(padding, "padding", 3)
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": [list(p) for p in self.padding], "data_format": self.data_format})
        return config

    def compute_output_shape(self, input_shape):
        batch, *spatial, channels = input_shape
        sizes = [None if size is None else size + before + after
                 for size, (before, after) in zip(spatial, self.padding)]  # fmt: skip
        return (batch, *sizes, channels)


class UpSampling3D(Layer):
    """Repeats each cell of a volume `size` times along depth, height and width.
    Equivalent to `keras.layers.UpSampling3D`."""

    _check_in_library = True

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = standardize_tuple(size, 3, "size")
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format})
        return config

    def compute_output_shape(self, input_shape):
        batch, *spatial, channels = input_shape
        sizes = [None if size is None else size * factor
                 for size, factor in zip(spatial, self.size)]  # fmt: skip
        return (batch, *sizes, channels)


class Cropping3D(Layer):
    """Removes cells at the edges of a volume. Equivalent to `keras.layers.Cropping3D`."""

    _check_in_library = True

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_pairs(cropping, "cropping", 3)
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"cropping": [list(p) for p in self.cropping], "data_format": self.data_format}
        )
        return config

    def compute_output_shape(self, input_shape):
        batch, *spatial, channels = input_shape
        sizes = [None if size is None else size - before - after
                 for size, (before, after) in zip(spatial, self.cropping)]  # fmt: skip
        return (batch, *sizes, channels)


_data_format = data_format


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _amount_pair(value, name):
    """Keras's 1-D padding or cropping: one non-negative integer for both ends, or a pair."""
    if _is_int(value):
        value = (value, value)
    if (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_int(v) for v in value)
            and min(value) >= 0):  # fmt: skip
        return (int(value[0]), int(value[1]))
    raise ValueError(f"`{name}` should be a non-negative int or a tuple of 2 of them; "
                     f"received: {value}")  # fmt: skip


class ZeroPadding1D(Layer):
    """Pads the steps of `(batch, steps, features)` with zeros at the start and the end.
    Equivalent to `keras.layers.ZeroPadding1D`."""

    _check_in_library = True

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _amount_pair(padding, "padding")
        self.data_format = _data_format(data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": list(self.padding), "data_format": self.data_format})
        return config

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        return (batch, None if steps is None else steps + sum(self.padding), features)


class Cropping1D(Layer):
    """Cuts steps from the start and the end of `(batch, steps, features)`. Equivalent to
    `keras.layers.Cropping1D`."""

    _check_in_library = True

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _amount_pair(cropping, "cropping")

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": list(self.cropping)})
        return config

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        return (batch, None if steps is None else steps - sum(self.cropping), features)


class UpSampling1D(Layer):
    """Repeats each step of `(batch, steps, features)` `size` times. Equivalent to
    `keras.layers.UpSampling1D`."""

    _check_in_library = True

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not _is_int(size) or size < 1:
            raise ValueError(f"`size` should be an int ≥ 1; received: {size!r}")
        self.size = int(size)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size})
        return config

    def compute_output_shape(self, input_shape):
        batch, steps, features = input_shape
        return (batch, None if steps is None else steps * self.size, features)
