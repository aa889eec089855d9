"""`plexus.Tensor`: a dense, row-major array on the host, owned by the C library (a px_tensor
handle), shared with NumPy and other DLPack libraries without copying.

```python
t = plexus.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3))
v = np.from_dlpack(t)      # a view of the same memory
u = plexus.from_dlpack(v)  # and back, still the same memory
```
"""

import ctypes
from ctypes import c_int32, c_int64, c_size_t, c_void_p

import numpy as np

from . import _dlpack
from ._lib import (
    DTYPE_BFLOAT16,
    DTYPE_BOOL,
    DTYPE_FLOAT32,
    DTYPE_FLOAT64,
    DTYPE_INT32,
    DTYPE_INT64,
    DTYPE_UINT8,
    DL_CPU,
    MAX_RANK,
    check,
    lib,
)

__all__ = ["Tensor", "convert_to_tensor", "convert_to_numpy", "from_dlpack", "is_tensor"]

DTYPE_NAMES = {
    DTYPE_FLOAT32: "float32",
    DTYPE_FLOAT64: "float64",
    DTYPE_INT32: "int32",
    DTYPE_INT64: "int64",
    DTYPE_UINT8: "uint8",
    DTYPE_BOOL: "bool",
    DTYPE_BFLOAT16: "bfloat16",
}
DTYPE_CODES = {name: code for code, name in DTYPE_NAMES.items()}
# NumPy dtypes Plexus holds as they are.
_NUMPY_NATIVE = {"float32", "float64", "int32", "int64", "uint8", "bool"}
# NumPy dtypes Plexus has no counterpart for, and the dtype they are converted to.
_NUMPY_WIDENED = {
    "float16": "float32",
    "int8": "int32",
    "int16": "int32",
    "uint16": "int32",
    "uint32": "int64",
    "uint64": "int64",
}


def standardize_dtype(dtype):
    """A dtype name Plexus knows ("float32", ...) for a name, a NumPy dtype or a type."""
    if dtype is None:
        return None
    if isinstance(dtype, str) and dtype in DTYPE_CODES:
        return dtype
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    name = getattr(dtype, "name", None) if not isinstance(dtype, str) else dtype
    try:
        name = np.dtype(name if name is not None else dtype).name
    except TypeError:
        pass
    if name in DTYPE_CODES:
        return name
    raise ValueError(
        f"plexus: dtype {dtype!r} is not supported; use one of {', '.join(DTYPE_CODES)}"
    )


class Tensor:
    """An immutable n-dimensional array held by the C library.

    Made by `plexus.convert_to_tensor`, `plexus.from_dlpack`, `plexus.ops.*` and models. Reads
    like a Keras eager tensor: `.shape`, `.dtype`, `.numpy()`, arithmetic operators, and the
    DLPack protocol (`np.from_dlpack(t)` shares its memory).
    """

    __slots__ = ("_handle", "__weakref__")
    __array_priority__ = 100  # NumPy defers `array + tensor` to Tensor.__radd__

    def __init__(self, handle):
        """Takes ownership of one reference to the px_tensor `handle` (an address)."""
        if not handle:
            raise ValueError("plexus.Tensor: the handle is NULL")
        self._handle = handle

    # -- lifetime -------------------------------------------------------------------------

    def close(self):
        """Releases the tensor's reference now (views made from it keep their own)."""
        handle, self._handle = self._handle, None
        if handle:
            lib().px_tensor_release(handle)

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter shutdown the library may be gone
            pass

    @property
    def handle(self):
        """The px_tensor handle (an address), for calls into the C library."""
        if not self._handle:
            raise ValueError("plexus.Tensor: the tensor was closed")
        return self._handle

    # -- metadata -------------------------------------------------------------------------

    @property
    def shape(self):
        """The dims, a tuple of ints."""
        rank = c_size_t()
        check(lib().px_tensor_rank(self.handle, ctypes.byref(rank)))
        dims = (c_int64 * max(rank.value, 1))()
        check(lib().px_tensor_shape(self.handle, dims, len(dims)))
        return tuple(dims[index] for index in range(rank.value))

    @property
    def ndim(self):
        rank = c_size_t()
        check(lib().px_tensor_rank(self.handle, ctypes.byref(rank)))
        return rank.value

    @property
    def dtype(self):
        """The dtype name: "float32", "float64", "int32", "int64", "uint8", "bool", "bfloat16"."""
        code = c_int32()
        check(lib().px_tensor_dtype(self.handle, ctypes.byref(code)))
        return DTYPE_NAMES.get(code.value, f"dtype#{code.value}")

    @property
    def size(self):
        count = c_size_t()
        check(lib().px_tensor_element_count(self.handle, ctypes.byref(count)))
        return count.value

    @property
    def nbytes(self):
        size = c_size_t()
        check(lib().px_tensor_byte_size(self.handle, ctypes.byref(size)))
        return size.value

    @property
    def data_ptr(self):
        """The address of the first element (px_tensor_data)."""
        pointer = c_void_p()
        check(lib().px_tensor_data(self.handle, ctypes.byref(pointer)))
        return pointer.value or 0

    def __len__(self):
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # -- NumPy and DLPack -----------------------------------------------------------------

    def numpy(self):
        """The values as a NumPy array sharing this tensor's memory (bfloat16: a float32 copy).

        The array keeps the memory alive: it may outlive this Tensor."""
        if self.dtype == "bfloat16":
            raw = np.empty(self.shape, dtype=np.uint16)
            check(lib().px_tensor_copy_to(self.handle, raw.ctypes.data, raw.nbytes))
            return (raw.astype(np.uint32) << 16).view(np.float32)
        return np.from_dlpack(self)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        if dtype is not None and array.dtype != np.dtype(dtype):
            return array.astype(dtype)
        return array.copy() if copy else array

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of this tensor's memory: "dltensor_versioned" when `max_version`
        is (1, 0) or newer, else the legacy "dltensor". Host memory: `stream` must be None."""
        if stream is not None and stream != -1:
            raise BufferError("plexus.Tensor.__dlpack__: host tensors take stream=None")
        if dl_device is not None and tuple(dl_device) != (DL_CPU, 0):
            raise BufferError(
                f"plexus.Tensor.__dlpack__: the tensor is on the CPU (1, 0); dl_device "
                f"{tuple(dl_device)} would need a copy to another device"
            )
        source = self
        if copy:
            from . import ops

            source = ops.copy(self)
        managed = c_void_p()
        check(lib().px_tensor_to_dlpack(source.handle, ctypes.byref(managed)))
        try:
            if max_version is not None and tuple(max_version) >= (1, 0):
                return _dlpack.versioned_capsule(managed.value)
            return _dlpack.legacy_capsule(managed.value)
        except BaseException:
            _dlpack.delete_versioned(managed.value)
            raise

    def __dlpack_device__(self):
        return (DL_CPU, 0)

    # -- conversions ----------------------------------------------------------------------

    def _scalar(self):
        if self.size != 1:
            raise TypeError(
                f"only tensors of one element can be converted to Python scalars; shape "
                f"{self.shape}"
            )
        return self.numpy().reshape(()).item()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __index__(self):
        if self.dtype not in ("int32", "int64", "uint8"):
            raise TypeError(f"a {self.dtype} tensor cannot be used as an index")
        return int(self._scalar())

    def __bool__(self):
        return bool(self._scalar())

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        for index in range(self.shape[0]):
            yield self[index]

    def __getitem__(self, key):
        if isinstance(key, Tensor):
            key = key.numpy()
        return convert_to_tensor(np.array(self.numpy()[key]))

    def __repr__(self):
        try:
            values = np.array2string(self.numpy(), separator=", ", threshold=64)
            return f"<plexus.Tensor shape={self.shape} dtype={self.dtype} numpy=\n{values}>"
        except Exception:  # noqa: BLE001 - a closed tensor still prints
            return "<plexus.Tensor (closed)>"

    def __str__(self):
        return str(self.numpy())

    # -- operators (plexus.ops) -----------------------------------------------------------

    def _op(self, name, *operands):
        from . import ops

        return getattr(ops, name)(*operands)

    def __add__(self, other):
        return self._op("add", self, other)

    def __radd__(self, other):
        return self._op("add", other, self)

    def __sub__(self, other):
        return self._op("subtract", self, other)

    def __rsub__(self, other):
        return self._op("subtract", other, self)

    def __mul__(self, other):
        return self._op("multiply", self, other)

    def __rmul__(self, other):
        return self._op("multiply", other, self)

    def __truediv__(self, other):
        return self._op("divide", self, other)

    def __rtruediv__(self, other):
        return self._op("divide", other, self)

    def __matmul__(self, other):
        return self._op("matmul", self, other)

    def __rmatmul__(self, other):
        return self._op("matmul", other, self)

    def __pow__(self, other):
        return self._op("power", self, other)

    def __rpow__(self, other):
        return self._op("power", other, self)

    def __neg__(self):
        return self._op("negative", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self._op("abs", self)

    def __invert__(self):
        return self._op("logical_not", self)

    def __and__(self, other):
        return self._op("logical_and", self, other)

    def __or__(self, other):
        return self._op("logical_or", self, other)

    def __eq__(self, other):
        return self._op("equal", self, other)

    def __ne__(self, other):
        return self._op("not_equal", self, other)

    def __lt__(self, other):
        return self._op("less", self, other)

    def __le__(self, other):
        return self._op("less_equal", self, other)

    def __gt__(self, other):
        return self._op("greater", self, other)

    def __ge__(self, other):
        return self._op("greater_equal", self, other)

    __hash__ = None  # `==` is elementwise, as for NumPy arrays and Keras tensors


def is_tensor(x):
    """Whether `x` is a plexus.Tensor."""
    return isinstance(x, Tensor)


def from_dlpack(x):
    """A Tensor sharing the memory of `x`, anything with `__dlpack__` (a NumPy array, a
    plexus.Tensor, ...) or a DLPack capsule. Host memory, compact row-major, aligned."""
    if isinstance(x, Tensor):
        return x
    if type(x).__name__ == "PyCapsule":
        return Tensor(_dlpack.tensor_handle_from_capsule(x))
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"plexus.from_dlpack: {type(x).__name__} has no __dlpack__ method")
    if hasattr(x, "__dlpack_device__"):
        device = tuple(x.__dlpack_device__())
        if device[0] not in (DL_CPU, 3):
            raise BufferError(
                f"plexus.from_dlpack: the data is on DLPack device {device}; Plexus reads host "
                "memory (kDLCPU); copy it to the host first"
            )
    try:
        capsule = x.__dlpack__(max_version=(1, 1))
    except TypeError:
        capsule = x.__dlpack__()  # a producer older than DLPack 1.0's Python protocol
    return Tensor(_dlpack.tensor_handle_from_capsule(capsule))


def _numpy_for_plexus(array):
    """`array` with a dtype Plexus holds, C-contiguous and aligned (a copy only if needed)."""
    name = array.dtype.name
    if name not in _NUMPY_NATIVE:
        target = _NUMPY_WIDENED.get(name)
        if target is None:
            raise ValueError(
                f"plexus: NumPy dtype {name} is not supported; use one of "
                f"{', '.join(sorted(_NUMPY_NATIVE))}"
            )
        array = array.astype(target)
    if not (array.flags.c_contiguous and array.flags.aligned):
        array = np.array(array, order="C")  # (np.ascontiguousarray would make 0-d arrays 1-d)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("="))
    return array


# Arrays up to this size are copied into a new tensor (one C call) rather than shared through
# DLPack (a capsule, its import and its deleter): below it the copy is the faster of the two,
# which is what keeps a single-sample predict_on_batch near the C call's own cost.
SMALL_COPY_BYTES = 1 << 16


# The NumPy dtypes Plexus holds as they are (native byte order), by dtype object: comparing
# dtype objects is fast where `dtype.name` costs microseconds.
_NUMPY_CODES = {np.dtype(name): DTYPE_CODES[name] for name in _NUMPY_NATIVE}
_NUMPY_DTYPES = {code: dtype for dtype, code in _NUMPY_CODES.items()}


def _tensor_from_numpy(array):
    code = _NUMPY_CODES.get(array.dtype)
    if code is None or not (array.flags.c_contiguous and array.flags.aligned):
        array = _numpy_for_plexus(array)
        code = _NUMPY_CODES[array.dtype]
    if array.nbytes <= SMALL_COPY_BYTES:
        return _create(code, array)
    return from_dlpack(array)


def to_numpy_fast(tensor):
    """`tensor.numpy()`, but a copy for small tensors (a few C calls instead of a DLPack round
    trip): for results a caller owns alone, such as predict_on_batch's."""
    code = c_int32()
    check(lib().px_tensor_dtype(tensor.handle, ctypes.byref(code)))
    dtype = _NUMPY_DTYPES.get(code.value)
    if dtype is None:  # bfloat16: numpy() converts
        return tensor.numpy()
    shape = tensor.shape
    count = 1
    for size in shape:
        count *= size
    if count * dtype.itemsize > SMALL_COPY_BYTES:
        return tensor.numpy()
    array = np.empty(shape, dtype=dtype)
    if array.nbytes:
        check(lib().px_tensor_copy_to(tensor.handle, array.ctypes.data, array.nbytes))
    return array


def _infer_dtype(x):
    """Keras's dtype for Python values: float32 for floats, int32 for ints, bool for bools."""
    array = np.asarray(x)
    if array.dtype == np.float64:
        return array.astype(np.float32)
    if array.dtype == np.int64:
        info = np.iinfo(np.int32)
        if array.size == 0 or (array.min() >= info.min and array.max() <= info.max):
            return array.astype(np.int32)
    return array


def convert_to_tensor(x, dtype=None):
    """A Tensor for `x`: a Tensor (cast when `dtype` differs), a NumPy array (shared without a
    copy when C-contiguous, aligned and of a dtype Plexus holds), anything with `__dlpack__`,
    or Python scalars and (nested) lists (float32 for floats, int32 for ints, as Keras does).
    Equivalent to `keras.ops.convert_to_tensor`."""
    dtype = standardize_dtype(dtype)
    if isinstance(x, Tensor):
        tensor = x
    elif isinstance(x, (np.ndarray, np.generic)) and x.dtype.name != "object":
        array = np.asarray(x)
        if dtype is not None and dtype != "bfloat16" and array.dtype.name != dtype:
            array = array.astype(dtype)
        tensor = _tensor_from_numpy(array)
    elif hasattr(x, "__dlpack__") and not isinstance(x, (list, tuple)):
        tensor = from_dlpack(x)
    else:
        array = np.asarray(x) if dtype is not None else _infer_dtype(x)
        if dtype is not None and dtype != "bfloat16":
            array = array.astype(dtype)
        tensor = _tensor_from_numpy(array)
    if dtype == "bfloat16" and tensor.dtype != dtype:
        return create_copy(tensor.numpy(), dtype="bfloat16")
    if dtype is not None and tensor.dtype != dtype:
        from . import ops

        tensor = ops.cast(tensor, dtype)
    return tensor


def convert_to_numpy(x):
    """`x` as a NumPy array (a view of a Tensor's memory). Equivalent to
    `keras.ops.convert_to_numpy`."""
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(x)


def _bfloat16_bits(array):
    """float32 values as bfloat16 bit patterns (round to nearest even), as uint16."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    result = ((bits + rounding) >> 16).astype(np.uint16)
    nan = np.isnan(array)
    if nan.any():
        result[nan] = 0x7FC0
    return result


def create_copy(array, dtype=None):
    """A Tensor holding a copy of `array` (px_tensor_create), for callers that will change
    the array afterwards; `dtype="bfloat16"` converts float values to bfloat16."""
    if dtype == "bfloat16":
        array = np.asarray(array, dtype=np.float32)
        bits = _bfloat16_bits(array).reshape(array.shape)
        return _create(DTYPE_BFLOAT16, bits)
    array = _numpy_for_plexus(np.asarray(array))
    return _create(DTYPE_CODES[array.dtype.name], array)


def _create(code, array):
    if array.ndim > MAX_RANK:
        raise ValueError(f"plexus: rank {array.ndim} exceeds the maximum {MAX_RANK}")
    shape = (c_int64 * max(array.ndim, 1))(*array.shape)
    handle = c_void_p()
    check(
        lib().px_tensor_create(
            code,
            shape,
            array.ndim,
            array.ctypes.data if array.nbytes else None,
            array.nbytes,
            ctypes.byref(handle),
        )
    )
    return Tensor(handle.value)


def _labels_predictions_weights(y_true, y_pred, sample_weight):
    """Tensors of a metric's or a loss's labels, predictions and float32 per-sample weights
    (None: none), as the C library takes them; keep them alive during the call."""
    weight = None
    if sample_weight is not None:
        weight = convert_to_tensor(np.asarray(sample_weight, dtype=np.float32))
    return convert_to_tensor(y_true), convert_to_tensor(y_pred), weight
