"""Turning `x` and `y` as Keras takes them (NumPy arrays, lists of arrays, dicts by input
name, Tensors, nested lists) into one Tensor per model input or output, as Keras's array data
adapter does: floating arrays become float32, other dtypes stay; memory is shared where
possible."""

import ctypes

import numpy as np

from .._lib import check, lib
from ..tensor import Tensor, _tensor_from_numpy, convert_to_tensor

# NumPy dtypes that enter a model as they are (floats other than float32 become float32, small
# integers int32, as Keras's data adapter does).
_KEPT = {np.dtype(name) for name in ("float32", "int32", "int64", "uint8", "bool")}


def _array_like(x):
    return isinstance(x, (np.ndarray, Tensor)) or hasattr(x, "__dlpack__") or hasattr(
        x, "__array__"
    )


def _standardize(x):
    if type(x) is np.ndarray and x.dtype in _KEPT:  # the common case, without conversions
        return _tensor_from_numpy(x)
    if isinstance(x, Tensor):
        return x if x.dtype not in ("float64", "bfloat16") else convert_to_tensor(x, "float32")
    array = np.asarray(x)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    elif array.dtype.kind == "i" and array.dtype.itemsize < 4:
        array = array.astype(np.int32)
    return convert_to_tensor(array)


def to_tensors(data, names, what):
    """One Tensor per entry of `names` (the model's inputs or outputs) for `data`."""
    count = len(names)
    if data is None:
        raise ValueError(f"{what} is None; pass NumPy arrays or a plexus.utils.PyDataset")
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise ValueError(
                f"{what}: the dict has no entries for {missing}; expected keys {list(names)}, "
                f"received {list(data)}"
            )
        entries = [data[name] for name in names]
    elif isinstance(data, (list, tuple)) and (
        count > 1 or (len(data) == 1 and _array_like(data[0]))
    ):
        entries = list(data)
    else:
        entries = [data]
    if len(entries) != count:
        raise ValueError(
            f"{what}: the model has {count} {'entries' if count != 1 else 'entry'} "
            f"({', '.join(names)}); received {len(entries)} arrays"
        )
    return [_standardize(entry) for entry in entries]


def handles(tensors):
    """A C array of the tensors' handles (keep `tensors` alive during the call)."""
    return (ctypes.c_void_p * max(len(tensors), 1))(*[t.handle for t in tensors])


def read_logs(logs_handle):
    """A px_logs as a dict name -> list of values; releases the handle."""
    library = lib()
    try:
        count = ctypes.c_size_t()
        check(library.px_logs_count(logs_handle, ctypes.byref(count)))
        result = {}
        for index in range(count.value):
            needed = ctypes.c_size_t()
            check(library.px_logs_name(logs_handle, index, None, 0, ctypes.byref(needed)))
            buffer = ctypes.create_string_buffer(max(needed.value, 1))
            check(
                library.px_logs_name(logs_handle, index, buffer, len(buffer), ctypes.byref(needed))
            )
            values_count = ctypes.c_size_t()
            check(library.px_logs_values(logs_handle, index, None, 0, ctypes.byref(values_count)))
            values = (ctypes.c_double * max(values_count.value, 1))()
            check(
                library.px_logs_values(
                    logs_handle, index, values, len(values), ctypes.byref(values_count)
                )
            )
            result[buffer.value.decode("utf-8")] = [values[i] for i in range(values_count.value)]
        return result
    finally:
        library.px_logs_release(logs_handle)


def last_values(logs):
    """Evaluation logs (one value per name) as name -> float, "loss" first."""
    result = {name: values[-1] for name, values in logs.items() if values}
    if "loss" in result:
        result = {"loss": result.pop("loss"), **result}
    return result
