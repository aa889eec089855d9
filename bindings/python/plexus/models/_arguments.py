"""The checks and conversions of the arguments of `compile`, `fit`, `evaluate` and `predict`
(Keras's forms to what the C library takes), for training.py."""

import ctypes
import json
import warnings

import numpy as np

from .._lib import OPTION_DEFAULT, OPTION_OFF, OPTION_ON
from ..saving import keras_object, serialize_keras_object
from . import _data


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


def _set_validation_freq(options, validation_freq):
    """Writes Keras's `validation_freq` (a count of epochs, or a list of epochs counted from
    1) into fit options; returns what the options point to, to keep alive for the call."""
    if isinstance(validation_freq, bool) or not isinstance(
        validation_freq, (int, np.integer, list, tuple)
    ):
        raise ValueError(
            "`validation_freq` must be an int or a list of epochs, received: "
            f"validation_freq={validation_freq!r} of type {type(validation_freq).__name__}"
        )
    if isinstance(validation_freq, (list, tuple)):
        # No epoch listed (a list pointer with a count of 0): validation never runs.
        epochs = (ctypes.c_int64 * max(len(validation_freq), 1))(*validation_freq)
        options.validation_epochs = ctypes.cast(epochs, ctypes.POINTER(ctypes.c_int64))
        options.validation_epoch_count = len(validation_freq)
        return epochs
    if validation_freq < 1:
        raise ValueError(f"`validation_freq` must be >= 1 (every n epochs), received: "
                         f"validation_freq={validation_freq}")  # fmt: skip
    options.validation_freq = int(validation_freq)
    return None


def _warn_if_reduced(metric, one_class=False):
    """Warns where Keras logs a vector and Plexus one number (its logs hold numbers); a
    score per class is one number where every output has one class (`one_class`)."""
    name = type(metric).__name__
    averaged = getattr(metric, "average", "") is None and not one_class
    if name in ("F1Score", "FBetaScore") and averaged:
        warnings.warn(
            f"{name} with average=None: Keras logs one score per class; Plexus logs their "
            "mean (pass average='macro' for the same number without this warning)",
            stacklevel=3,
        )
    thresholds = getattr(metric, "init_thresholds", None)
    counted = ("Precision", "Recall", "TruePositives", "FalsePositives", "TrueNegatives",
               "FalseNegatives")  # fmt: skip
    if name in counted and isinstance(thresholds, (list, tuple)) and len(
        thresholds
    ) > 1:
        warnings.warn(
            f"{name} with {len(thresholds)} thresholds: Keras logs one value per threshold; "
            "Plexus logs the first threshold's",
            stacklevel=3,
        )


def _plain(value):
    """A NumPy scalar or array in a config (a threshold, class ids) as JSON can hold it."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _object_text(obj, what):
    """A Keras name or serialized object as the string px_model_compile takes."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return json.dumps(obj, default=_plain)
    if hasattr(obj, "_library_config"):  # adds what Keras's get_config leaves out
        module = getattr(obj, "_keras_module", "keras")
        return json.dumps(keras_object(module, type(obj).__name__, obj._library_config()),
                          default=_plain)  # fmt: skip
    if hasattr(obj, "get_config"):
        return json.dumps(serialize_keras_object(obj), default=_plain)
    name = getattr(obj, "__name__", None)
    if name:
        return name
    raise TypeError(f"compile: cannot use {obj!r} as {what}; pass a name or a Plexus object")


def _json_entry(text):
    """An `_object_text` as an entry of a JSON list: a serialized object parsed, a name kept."""
    return json.loads(text) if text.lstrip().startswith("{") else text


def _per_output_metrics(metrics, output_names):
    """Keras's per-output metrics as one list per output, or None for one list for every
    output: a dict by output name (outputs it leaves out get none), or with several outputs a
    list holding lists (or None) per output, or a flat list of one metric per output (Keras
    pairs them by position; a flat list of another length goes to every output, where Keras
    refuses it)."""
    def listed(entry):
        if entry is None:
            return []
        return list(entry) if isinstance(entry, (list, tuple)) else [entry]

    if isinstance(metrics, dict):
        unknown = [key for key in metrics if key not in output_names]
        if unknown:
            raise ValueError(f"compile: metrics names outputs {unknown} the model does not have; "
                             f"its outputs are {output_names}")  # fmt: skip
        return [listed(metrics.get(name)) for name in output_names]
    if (isinstance(metrics, (list, tuple)) and len(output_names) > 1
            and len(metrics) == len(output_names)
            and not any(m is None or isinstance(m, (list, tuple, dict)) for m in metrics)):
        # As Keras: a flat list of one metric per output pairs them by position.
        return [[m] for m in metrics]
    if (isinstance(metrics, (list, tuple)) and len(output_names) > 1
            and any(m is None or isinstance(m, (list, tuple)) for m in metrics)):
        if len(metrics) != len(output_names):
            raise ValueError(f"compile: metrics has {len(metrics)} per-output lists for "
                             f"{len(output_names)} outputs {output_names}")  # fmt: skip
        return [listed(entry) for entry in metrics]
    return None


def _unsupported(**arguments):
    given = [name for name, value in arguments.items() if value is not None]
    if given:
        raise NotImplementedError(f"plexus: {', '.join(given)} not supported yet")


def _jit_mode(value):
    """Keras's jit_compile values as the C ABI's PX_OPTION_* (default is "auto")."""
    if value == "auto" or value is None:
        return OPTION_DEFAULT
    if value is True:
        return OPTION_ON
    if value is False:
        return OPTION_OFF
    raise ValueError(f'compile: jit_compile must be True, False or "auto"; received {value!r}')


def _sample_weight_tensor(sample_weight, what):
    """Keras's `sample_weight` (one weight per sample) as a float32 Tensor, or None."""
    if sample_weight is None:
        return None
    try:
        values = np.asarray(sample_weight, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be one number per sample: {error}") from None
    (tensor,) = _data.to_tensors(values, ["sample_weight"], what)
    return tensor


def _check_class_weight(class_weight, what):
    """Refuses a `class_weight` that is not a dict of integer class ids to finite weights
    ≥ 0."""
    arrays = _class_weight_arrays(class_weight, what)
    if arrays is None:
        return
    for label, weight in zip(arrays[0][: len(class_weight)], arrays[1][: len(class_weight)]):
        if label < 0 or not (np.isfinite(weight) and weight >= 0):
            raise ValueError(f"{what}: class_weight maps class ids ≥ 0 to finite weights ≥ 0; "
                             f"received {label}: {weight}")  # fmt: skip


def _class_weight_arrays(class_weight, what):
    """Keras's `class_weight` dict as C arrays (class ids, weights), or None."""
    if class_weight is None:
        return None
    if not isinstance(class_weight, dict):
        raise ValueError(f"{what}: class_weight must be a dict mapping class ids to weights; "
                         f"received {type(class_weight).__name__}")  # fmt: skip
    classes = (ctypes.c_int64 * max(len(class_weight), 1))()
    values = (ctypes.c_double * max(len(class_weight), 1))()
    for index, (label, weight) in enumerate(class_weight.items()):
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            raise ValueError(f"{what}: class_weight keys are class ids (integers); received "
                             f"{label!r}")  # fmt: skip
        if not -(2**63) <= int(label) < 2**63:
            raise ValueError(f"{what}: class id {label} is out of range")
        classes[index] = int(label)
        values[index] = float(weight)
    return classes, values


def _results(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
