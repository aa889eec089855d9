"""Image preprocessing layers: RandomFlip, RandomRotation, RandomTranslation, RandomZoom,
RandomContrast, RandomBrightness, Resizing, CenterCrop
(keras/src/layers/preprocessing/image_preprocessing).

While training each image of a batch gets a random transformation of its own; at inference
images pass unchanged (as float32). Resizing and CenterCrop apply always. Images are
channels-last."""

from .base import Layer

__all__ = [
    "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast",
    "RandomBrightness", "Resizing", "CenterCrop",
]  # fmt: skip


def _base_factor(factor, bounds):
    """Keras's `BaseImagePreprocessingLayer._set_factor`: the (lower, upper) range."""
    error = ValueError(
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        f"[{bounds[0]}, {bounds[1]}]. Received: factor={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise error
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if factor < bounds[0] or factor > bounds[1]:
            raise error
        factor = abs(factor)
        return max(-factor, bounds[0]), factor
    raise error


def _check_symmetric_factor(factor, name, allowed, described):
    """The translation and zoom rule: a number or two, each `allowed`."""
    values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
    if (isinstance(factor, (tuple, list)) and len(values) != 2) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and allowed(v) for v in values
    ):
        raise ValueError(
            f"The `{name}` argument should be a number (or a list of two numbers) in "
            f"{described}. Received: {name}={factor}"
        )


def _check_sampling(fill_mode, interpolation):
    if fill_mode not in ("reflect", "wrap", "constant", "nearest"):
        raise NotImplementedError(
            f"Unknown `fill_mode` {fill_mode}. Expected of one ('reflect', 'wrap', "
            "'constant', 'nearest')."
        )
    if interpolation not in ("nearest", "bilinear"):
        raise NotImplementedError(
            f"Unknown `interpolation` {interpolation}. Expected of one ('nearest', 'bilinear')."
        )


class _ImageAugmentation(Layer):
    """The shared part: `seed` and the channels-last `data_format`."""

    _check_in_library = True

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(
                f"{type(self).__name__}: data_format={data_format!r} is not supported; Plexus's "
                "images are channels-last"
            )
        self.seed = seed
        self.data_format = "channels_last"

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "seed": self.seed})
        return config


class _AffineAugmentation(_ImageAugmentation):
    """The resampling settings RandomRotation, RandomTranslation and RandomZoom share."""

    def __init__(self, fill_mode, interpolation, fill_value, seed, data_format, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        _check_sampling(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _sampling_config(self):
        return {"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}  # fmt: skip


class RandomFlip(_ImageAugmentation):
    """Flips each image with probability 1/2 while training: `"horizontal"`, `"vertical"` or
    `"horizontal_and_vertical"` (one draw for both). Equivalent to `keras.layers.RandomFlip`."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = mode

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class RandomRotation(_AffineAugmentation):
    """Rotates each image about its centre while training, by a fraction of a full turn drawn
    from `factor` (`0.1`: up to ±36°). Equivalent to `keras.layers.RandomRotation`."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        self.factor = _base_factor(factor, (-1, 1))

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), **self._sampling_config()}


class RandomTranslation(_AffineAugmentation):
    """Shifts each image while training by fractions of its height and width drawn from
    `height_factor` and `width_factor`. Equivalent to `keras.layers.RandomTranslation`."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        for name, factor in (("height_factor", height_factor), ("width_factor", width_factor)):
            _check_symmetric_factor(factor, name, lambda v: -1 <= v <= 1, "[-1, 1]")
        self.height_factor = height_factor
        self.width_factor = width_factor

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._sampling_config()}  # fmt: skip


class RandomZoom(_AffineAugmentation):
    """Zooms each image about its centre while training by `1 + f`, `f` drawn from
    `height_factor` (and `width_factor`, or the same zoom for both axes when None; positive
    zooms out). Equivalent to `keras.layers.RandomZoom`."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, fill_value, seed, data_format, **kwargs)
        for name, factor in (("height_factor", height_factor), ("width_factor", width_factor)):
            if factor is not None:
                _check_symmetric_factor(factor, name, lambda v: -1 < v <= 1, "(-1, 1]")
        self.height_factor = height_factor
        self.width_factor = width_factor

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._sampling_config()}  # fmt: skip


class RandomContrast(_ImageAugmentation):
    """Scales each image's deviation from its mean while training by a factor drawn from
    `[1 - lower, 1 + upper]` (one number `f` gives `[1, 1 + f]`, as Keras 3 reads it), clipped
    to `value_range`. Equivalent to `keras.layers.RandomContrast`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _base_factor(factor, (0, 1))
        self.value_range = value_range

    def get_config(self):
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "value_range": list(self.value_range),
        }


class RandomBrightness(_ImageAugmentation):
    """Adds a delta drawn from `factor` (fractions of the value range's width) to each image
    while training, clipped to `value_range`. Equivalent to `keras.layers.RandomBrightness`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _base_factor(factor, (-1, 1))
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                "The `value_range` argument should be a list of two numbers. "
                f"Received: value_range={value_range}"
            )
        self.value_range = sorted(value_range)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "value_range": list(self.value_range),
        }


class Resizing(_ImageAugmentation):
    """Resizes images to `height` x `width` (in training and inference alike), with
    `interpolation` "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5", optionally after
    cropping or padding to the target's aspect ratio. Equivalent to `keras.layers.Resizing`
    (with the JAX backend's results)."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):  # fmt: skip
        super().__init__(data_format=data_format, **kwargs)
        del self.seed
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias

    def get_config(self):
        config = Layer.get_config(self)
        config.update({
            "data_format": self.data_format, "height": self.height, "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
            "fill_value": self.fill_value, "antialias": self.antialias,
        })  # fmt: skip
        return config

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-3], self.height, self.width, tuple(input_shape)[-1])


class CenterCrop(_ImageAugmentation):
    """Crops the centre `height` x `width` of images (resizing those smaller than that, after a
    crop to the target's aspect ratio). Equivalent to `keras.layers.CenterCrop`."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        del self.seed
        self.height = height
        self.width = width

    def get_config(self):
        config = Layer.get_config(self)
        config.update({"data_format": self.data_format, "height": self.height,
                       "width": self.width})  # fmt: skip
        return config

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-3], self.height, self.width, tuple(input_shape)[-1])
