"""Keras 3's side of Plexus's image augmentation fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/<case>.json for every case below

Each case builds a Keras augmentation layer, draws a transformation for a batch of images with
`get_random_transformation(images, training=True)` (the layer seeded, so the file is
reproducible), applies it with `transform_images(images, transformation)` and writes, as JSON:

  layer           serialize_keras_object(layer): the config Plexus must rebuild and write back
  images          the input batch, float32 {"shape", "values"} (batch, height, width, channels)
  transformation  the drawn transformation in Plexus's layout: one boolean (flip), angle in
                  degrees (rotation), contrast factor or brightness delta per image, or
                  (batch, 2) shifts in pixels / zooms, width first (translation, zoom); null
                  for the deterministic Resizing and CenterCrop
  output          transform_images's result (Resizing and CenterCrop: the layer's call)

Keras computes in float32 here (its layers' default), as Plexus does.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402

SHAPE = (3, 5, 6, 2)
# name: (class, keyword arguments, pixel range)
CASES = {
    "flip_both": (L.RandomFlip, dict(seed=1), 255),
    "flip_horizontal": (L.RandomFlip, dict(mode="horizontal", seed=2), 255),
    "flip_vertical": (L.RandomFlip, dict(mode="vertical", seed=3), 255),
    "rotation_reflect": (L.RandomRotation, dict(factor=0.2, seed=4), 255),
    "rotation_constant_nearest": (
        L.RandomRotation,
        dict(factor=(-0.3, 0.4), fill_mode="constant", interpolation="nearest", fill_value=0.5,
             seed=5),  # fmt: skip
        1,
    ),
    "rotation_wrap": (L.RandomRotation, dict(factor=0.5, fill_mode="wrap", seed=6), 255),
    "rotation_nearest_fill": (L.RandomRotation, dict(factor=0.25, fill_mode="nearest", seed=7), 1),
    "translation_reflect": (L.RandomTranslation, dict(height_factor=0.5, width_factor=0.6, seed=8), 255),
    "translation_wrap": (
        L.RandomTranslation,
        dict(height_factor=(-0.4, 0.2), width_factor=0.3, fill_mode="wrap", seed=9),
        255,
    ),
    "translation_constant": (
        L.RandomTranslation,
        dict(height_factor=0.3, width_factor=(0.1, 0.5), fill_mode="constant", fill_value=-1.0,
             seed=10),  # fmt: skip
        1,
    ),
    "zoom_out_reflect": (L.RandomZoom, dict(height_factor=(0.3, 0.8), seed=11), 255),
    "zoom_in_nearest": (
        L.RandomZoom,
        dict(height_factor=(-0.5, -0.1), width_factor=(-0.3, 0.2), interpolation="nearest",
             seed=12),  # fmt: skip
        255,
    ),
    "zoom_constant": (
        L.RandomZoom,
        dict(height_factor=0.6, width_factor=0.4, fill_mode="constant", seed=13),
        1,
    ),
    "contrast": (L.RandomContrast, dict(factor=0.8, seed=14), 255),
    "contrast_range": (L.RandomContrast, dict(factor=(0.2, 0.9), value_range=(0, 1), seed=15), 1),
    "brightness": (L.RandomBrightness, dict(factor=0.3, seed=16), 255),
    "brightness_range": (
        L.RandomBrightness,
        dict(factor=(-0.6, 0.1), value_range=(1, 0), seed=17),
        1,
    ),
    # Deterministic layers: no transformation; the output is the layer's call.
    "resizing_bilinear_up": (L.Resizing, dict(height=8, width=9), 1),
    "resizing_bilinear_down": (L.Resizing, dict(height=3, width=4), 1),
    "resizing_nearest": (L.Resizing, dict(height=7, width=3, interpolation="nearest"), 1),
    "resizing_bicubic": (L.Resizing, dict(height=8, width=4, interpolation="bicubic"), 1),
    "resizing_lanczos3": (L.Resizing, dict(height=4, width=9, interpolation="lanczos3"), 1),
    "resizing_lanczos5": (L.Resizing, dict(height=9, width=5, interpolation="lanczos5"), 1),
    "resizing_antialias": (L.Resizing, dict(height=2, width=3, antialias=True), 1),
    "resizing_crop_aspect": (L.Resizing, dict(height=4, width=4, crop_to_aspect_ratio=True), 1),
    "resizing_pad_aspect": (
        L.Resizing,
        dict(height=4, width=8, pad_to_aspect_ratio=True, fill_value=0.25),
        1,
    ),
    "center_crop": (L.CenterCrop, dict(height=3, width=4), 1),
    "center_crop_resize": (L.CenterCrop, dict(height=7, width=4), 1),
}
DETERMINISTIC = (L.Resizing, L.CenterCrop)
# Cases with a given transformation instead of a draw: half-pixel shifts, whose nearest reads
# are ties (JAX rounds halves away from zero).
GIVEN = {
    "translation_half_pixel_nearest": {
        "translations": [[0.5, -0.5], [1.5, 2.5], [-2.5, 0.5]],
    },
}
CASES["translation_half_pixel_nearest"] = (
    L.RandomTranslation,
    dict(height_factor=0.5, width_factor=0.5, interpolation="nearest", fill_mode="constant"),
    255,
)


def rounded(values, digits=9):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values)}


def plexus_layout(layer, transformation):
    """The transformation as Plexus's transformImages takes it."""
    if isinstance(layer, L.RandomFlip):
        return np.asarray(transformation["flips"], np.float64).reshape(-1)
    if isinstance(layer, L.RandomRotation):
        return np.asarray(transformation["angle"], np.float64)
    if isinstance(layer, L.RandomTranslation):
        return np.asarray(transformation["translations"], np.float64)
    if isinstance(layer, L.RandomZoom):
        return np.concatenate(
            [np.asarray(transformation["width_zoom"]), np.asarray(transformation["height_zoom"])],
            axis=1,
        )
    if isinstance(layer, L.RandomContrast):
        return np.asarray(transformation["contrast_factor"], np.float64).reshape(-1)
    return np.asarray(transformation["rgb_delta"], np.float64).reshape(-1)


def write_case(directory, name, cls, kwargs, scale):
    rng = np.random.default_rng(sum(map(ord, name)))
    layer = cls(name=name, **kwargs)
    images = (rng.uniform(0, 1, SHAPE) * scale).astype("float32")
    if isinstance(layer, DETERMINISTIC):
        layer(keras.Input(SHAPE[1:]))  # built for any batch size, as in a model
        transformation, output = None, layer(images)
    else:
        drawn = layer.get_random_transformation(images, training=True)
        if name in GIVEN:
            drawn = dict(drawn, **{k: np.asarray(v, np.float32) for k, v in GIVEN[name].items()})
        output = layer.transform_images(images, drawn, training=True)
        transformation = tensor(plexus_layout(layer, drawn))
    fixture = {
        "keras": keras.__version__,
        "layer": json.loads(json.dumps(serialize_keras_object(layer))),
        "images": tensor(images),
        "transformation": transformation,
        "output": tensor(output),
    }
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (cls, kwargs, scale) in CASES.items():
        write_case(directory, name, cls, kwargs, scale)
    print(f"wrote {len(CASES)} fixtures of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
