"""Keras's serialized form of objects, `{"module", "class_name", "config",
"registered_name"}`, as `keras.saving.serialize_keras_object` writes it; the C library reads
exactly this (include/plexus.h: px_layer_create, px_model_from_json, px_model_compile)."""

import re

__all__ = [
    "serialize_keras_object",
    "keras_object",
    "to_snake_case",
    "get_uid",
    "reset_uids",
    "load_model",
    "save_model",
]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a `.keras` file (Keras 3's format). Equivalent to
    `keras.saving.load_model`; see `plexus.models.load_model`."""
    from .models import load_model as load

    return load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """Saves `model` as a `.keras` file: `model.save(filepath)`. Equivalent to
    `keras.saving.save_model`."""
    if kwargs:
        raise TypeError(f"save_model: unexpected arguments {sorted(kwargs)}")
    model.save(filepath, overwrite=overwrite)


_uids = {}


def to_snake_case(name):
    """Keras's snake case of a class name: `Conv2DTranspose` -> `conv2d_transpose`."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def get_uid(prefix):
    """`prefix` the first time, then `prefix_1`, `prefix_2`, ... (per process), as Keras's
    automatic names."""
    index = _uids.get(prefix, 0)
    _uids[prefix] = index + 1
    return prefix if index == 0 else f"{prefix}_{index}"


def reset_uids():
    """Starts every automatic name from the beginning again (`keras.backend.clear_session`)."""
    _uids.clear()


def keras_object(module, class_name, config, registered_name=None):
    """One serialized object."""
    return {
        "module": module,
        "class_name": class_name,
        "config": config,
        "registered_name": registered_name,
    }


def serialize_keras_object(obj):
    """`obj`'s serialized form: a dict or a string passes through; an object with
    `get_config()` becomes `{"module", "class_name", "config", "registered_name"}`."""
    if obj is None or isinstance(obj, (str, dict, bool, int, float)):
        return obj
    if hasattr(obj, "get_config"):
        module = getattr(obj, "_keras_module", "keras")
        return keras_object(module, type(obj).__name__, obj.get_config())
    raise TypeError(f"cannot serialize {obj!r}: it has no get_config()")
