"""predict_on_batch for one small NumPy array on a single-input, single-output model: five C
calls (make the input, predict, check the size, copy out, release) and no Python objects
around the handles. A single sample is what an online service predicts, where the framework's
own overhead is the latency; this path keeps Python's share near the C call's. Anything it
does not cover returns None and goes through the general path."""

import ctypes
from ctypes import c_size_t, c_void_p

import numpy as np

from .._lib import check, lib
from ..tensor import _NUMPY_CODES, _NUMPY_DTYPES, MAX_RANK, SMALL_COPY_BYTES

# NumPy dtypes a model takes as they are, with their dtype codes (float64 and small integers are
# converted first, by the general path).
_DIRECT_CODES = {
    dtype: code
    for dtype, code in _NUMPY_CODES.items()
    if dtype in {np.dtype("float32"), np.dtype("int32"), np.dtype("int64"), np.dtype("uint8")}
}


_MAX_SPECS = 16  # output specs kept per model (one per input per-sample shape and dtype)


def _output_spec(model, handle, key):
    """The output's per-sample dims and NumPy dtype for inputs of per-sample shape and dtype
    `key`, read from the first result of that key and kept (a model with unknown input dims
    gives outputs whose dims follow the input's, so one spec per model is not enough)."""
    cache = getattr(model, "_fast_output_specs", None)
    if cache is None or cache[0] != model._c:
        cache = (model._c, {})
        model._fast_output_specs = cache
    specs = cache[1]
    spec = specs.get(key)
    if spec is not None:
        return spec
    library = lib()
    code = ctypes.c_int32()
    check(library.px_tensor_dtype(handle, ctypes.byref(code)))
    rank = c_size_t()
    check(library.px_tensor_rank(handle, ctypes.byref(rank)))
    dims = (ctypes.c_int64 * max(rank.value, 1))()
    check(library.px_tensor_shape(handle, dims, len(dims)))
    dtype = _NUMPY_DTYPES.get(code.value)
    if dtype is None or rank.value == 0:
        return None, None
    trailing = tuple(dims[index] for index in range(1, rank.value))
    if len(specs) >= _MAX_SPECS:
        specs.clear()
    specs[key] = (trailing, dtype)
    return trailing, dtype


def _address(array):
    """The address of a contiguous array's data: through `from_buffer` (0.3 µs) when it is
    writable, else `array.ctypes.data` (1 µs)."""
    if array.flags.writeable:
        return ctypes.addressof(ctypes.c_char.from_buffer(array))
    return array.ctypes.data


_shapes = {}


def _shape_array(shape):
    """The `int64_t` dims of `shape`, made once per shape (never written: safe to share)."""
    dims = _shapes.get(shape)
    if dims is None:
        if len(_shapes) > 64:
            _shapes.clear()
        dims = _shapes[shape] = (ctypes.c_int64 * len(shape))(*shape)
    return dims


def _eligible(model):
    """Whether `model` has one input and one output (asked once per C model)."""
    handle = model._c
    cached = getattr(model, "_fast_eligible", None)
    if cached is None or cached[0] != handle:
        cached = (handle, len(model.input_names) == 1 and model._output_count() == 1)
        model._fast_eligible = cached
    return cached[1]


def predict_small(model, x):
    """The model's output for `x`, or None when the fast path does not apply."""
    code = _DIRECT_CODES.get(x.dtype)
    if (
        code is None
        or x.nbytes > SMALL_COPY_BYTES
        or not 1 <= x.ndim <= MAX_RANK
        or not x.flags.c_contiguous
        or not _eligible(model)
    ):
        return None
    library = lib()
    tensor = c_void_p()
    data = _address(x) if x.nbytes else None
    status = library.px_tensor_create(
        code, _shape_array(x.shape), x.ndim, data, x.nbytes, ctypes.byref(tensor)
    )
    if status:
        check(status)
    output = (c_void_p * 1)()
    try:
        status = library.px_model_predict_on_batch(model._c, ctypes.byref(tensor), 1, output, 1)
        if status:
            check(status)
    finally:
        library.px_tensor_release(tensor)
    try:
        trailing, dtype = _output_spec(model, output[0], (x.shape[1:], x.dtype))
        if dtype is None:
            return None
        result = np.empty((x.shape[0],) + trailing, dtype=dtype)
        size = c_size_t()
        check(library.px_tensor_byte_size(output[0], ctypes.byref(size)))
        if size.value != result.nbytes:
            return None  # the output is not (batch, ...) of the kept dims: general path
        if result.nbytes:
            check(library.px_tensor_copy_to(output[0], _address(result), result.nbytes))
        return result
    finally:
        library.px_tensor_release(output[0])
