"""`plexus.ops`: Keras's `keras.ops` functions over the C library's `px_ops_call`, with Keras's
names, keyword arguments and defaults. Each accepts Tensors, NumPy arrays, Python scalars and
lists, and returns a `plexus.Tensor`.

```python
from plexus import ops
ops.sum(ops.relu(x - 1.0), axis=-1, keepdims=True)
```

Dtypes promote as Keras's do: a Python scalar takes the other operand's dtype (a float scalar
with an integer tensor gives float32), integers with floats give the float dtype, and `divide`
of integers gives float32.
"""

import builtins
import ctypes
import json

import numpy as np

from ._lib import check, handle_array, lib
from .tensor import Tensor, convert_to_numpy, convert_to_tensor, standardize_dtype

__all__ = [  # noqa: F822 - the generated unary and binary functions are listed too
    "negative", "abs", "absolute", "sign", "square", "sqrt", "rsqrt", "exp", "expm1", "log",
    "log1p", "sin", "cos", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "erf",
    "reciprocal", "logical_not", "copy",
    "add", "subtract", "multiply", "divide", "true_divide", "power", "maximum", "minimum",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "matmul", "where",
    "sum", "mean", "max", "min", "prod", "logsumexp", "argmax", "argmin", "var", "std",
    "softmax", "log_softmax", "silu", "clip",
    "reshape", "ravel", "transpose", "expand_dims", "squeeze", "broadcast_to", "concatenate",
    "stack", "take", "one_hot", "cast", "moveaxis", "swapaxes",
    "convert_to_tensor", "convert_to_numpy", "shape", "ndim", "dtype", "zeros", "ones", "full",
    "zeros_like", "ones_like", "arange", "eye", "call",
]

# Keras's promotion order: bool < uint8 < int32 < int64 < bfloat16 < float32 < float64.
_ORDER = ["bool", "uint8", "int32", "int64", "bfloat16", "float32", "float64"]
_FLOATS = {"bfloat16", "float32", "float64"}
_INTEGERS = {"uint8", "int32", "int64"}


def call(name, *inputs, **attributes):
    """Runs the op `name` (a px_ops_call name) on `inputs` (converted with
    `convert_to_tensor`, no promotion) with `attributes` as its JSON keyword arguments; returns
    one Tensor, or a tuple when the op makes several."""
    tensors = [convert_to_tensor(x) for x in inputs]
    return _run(name, tensors, attributes)


def _run(name, tensors, attributes=None):
    handles = handle_array([t.handle for t in tensors])
    outputs = handle_array([None] * 4)
    count = ctypes.c_size_t()
    text = json.dumps(attributes).encode("utf-8") if attributes else None
    check(
        lib().px_ops_call(
            name.encode("utf-8"), handles, len(tensors), text, outputs, 4, ctypes.byref(count)
        )
    )
    results = tuple(Tensor(outputs[index]) for index in range(count.value))
    return results[0] if len(results) == 1 else results


def _is_python_scalar(x):
    return isinstance(x, (bool, int, float)) and not isinstance(x, np.generic)


def _result_type(dtypes):
    return builtins.max(dtypes, key=_ORDER.index)


def _promote(*operands):
    """The operands as Tensors of one dtype, Python scalars weakly typed (Keras's rules)."""
    strong = [convert_to_tensor(x) for x in operands if not _is_python_scalar(x)]
    if strong:
        target = _result_type([t.dtype for t in strong])
        for x in operands:
            if _is_python_scalar(x) and not isinstance(x, bool):
                if isinstance(x, float) and target not in _FLOATS:
                    target = "float32"
                elif isinstance(x, int) and target == "bool":
                    target = "int32"
    else:
        target = None
    result = []
    strong_iter = iter(strong)
    for x in operands:
        if _is_python_scalar(x):
            result.append(convert_to_tensor(x, dtype=target))
        else:
            tensor = next(strong_iter)
            same = target is None or tensor.dtype == target
            result.append(tensor if same else cast(tensor, target))
    if target is None and len({t.dtype for t in result}) > 1:
        target = _result_type([t.dtype for t in result])
        result = [t if t.dtype == target else cast(t, target) for t in result]
    return result


def _axis(axis):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return int(axis)


# -- elementwise ---------------------------------------------------------------------------


def _unary(name, doc):
    def op(x):
        return _run(name, [convert_to_tensor(x)])

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{doc} Equivalent to `keras.ops.{name}`."
    return op


def _binary(name, doc):
    def op(x1, x2):
        return _run(name, _promote(x1, x2))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{doc} Broadcasts as NumPy. Equivalent to `keras.ops.{name}`."
    return op


negative = _unary("negative", "`-x`.")
abs = _unary("abs", "`|x|`.")  # noqa: A001 - Keras's name
absolute = abs
sign = _unary("sign", "-1, 0 or 1 by the sign of x.")
square = _unary("square", "`x * x`.")
sqrt = _unary("sqrt", "The square root.")
rsqrt = _unary("rsqrt", "`1 / sqrt(x)`.")
exp = _unary("exp", "`e ** x`.")
expm1 = _unary("expm1", "`exp(x) - 1`, exact near 0.")
log = _unary("log", "The natural logarithm.")
log1p = _unary("log1p", "`log(1 + x)`, exact near 0.")
sin = _unary("sin", "The sine.")
cos = _unary("cos", "The cosine.")
tanh = _unary("tanh", "The hyperbolic tangent.")
sigmoid = _unary("sigmoid", "`1 / (1 + exp(-x))`.")
relu = _unary("relu", "`max(x, 0)`.")
floor = _unary("floor", "Rounds down.")
ceil = _unary("ceil", "Rounds up.")
erf = _unary("erf", "The error function.")
reciprocal = _unary("reciprocal", "`1 / x`.")
logical_not = _unary("logical_not", "Elementwise `not`.")
copy = _unary("copy", "A new tensor with the same values.")

add = _binary("add", "`x1 + x2`.")
subtract = _binary("subtract", "`x1 - x2`.")
multiply = _binary("multiply", "`x1 * x2`.")
power = _binary("power", "`x1 ** x2`.")
maximum = _binary("maximum", "The larger of x1 and x2.")
minimum = _binary("minimum", "The smaller of x1 and x2.")
equal = _binary("equal", "`x1 == x2` (bool).")
not_equal = _binary("not_equal", "`x1 != x2` (bool).")
less = _binary("less", "`x1 < x2` (bool).")
less_equal = _binary("less_equal", "`x1 <= x2` (bool).")
greater = _binary("greater", "`x1 > x2` (bool).")
greater_equal = _binary("greater_equal", "`x1 >= x2` (bool).")
logical_and = _binary("logical_and", "Elementwise `and`.")
logical_or = _binary("logical_or", "Elementwise `or`.")
matmul = _binary("matmul", "The matrix product (batched over leading axes, as NumPy).")


def round(x, decimals=0):  # noqa: A001 - Keras's name
    """Rounds half to even, to `decimals` places. Equivalent to `keras.ops.round`."""
    if decimals == 0:
        return _run("round", [convert_to_tensor(x)])
    scale = 10.0**decimals
    return divide(_run("round", [multiply(x, scale)]), scale)


def divide(x1, x2):
    """`x1 / x2`; integers divide to float32. Equivalent to `keras.ops.divide`."""
    a, b = _promote(x1, x2)
    if a.dtype not in _FLOATS:
        a, b = cast(a, "float32"), cast(b, "float32")
    return _run("divide", [a, b])


true_divide = divide


def where(condition, x1=None, x2=None):
    """`x1` where `condition` holds, else `x2`. Equivalent to `keras.ops.where` (the
    one-argument form, which returns indices, is not available)."""
    if x1 is None or x2 is None:
        raise NotImplementedError("plexus.ops.where(condition) without x1, x2 is not available")
    condition = convert_to_tensor(condition)
    if condition.dtype != "bool":
        condition = cast(condition, "bool")
    a, b = _promote(x1, x2)
    return _run("where", [condition, a, b])


# -- reductions ----------------------------------------------------------------------------


def _reduction(name):
    def op(x, axis=None, keepdims=False):
        attributes = {"axis": _axis(axis), "keepdims": bool(keepdims)}
        return _run(name, [convert_to_tensor(x)], attributes)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"The {name} over `axis` (an int, a tuple, or None for all axes). Equivalent to "
        f"`keras.ops.{name}`."
    )
    return op


sum = _reduction("sum")  # noqa: A001 - Keras's names
mean = _reduction("mean")
prod = _reduction("prod")
logsumexp = _reduction("logsumexp")
_max = _reduction("max")
_min = _reduction("min")


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The largest value over `axis`. Equivalent to `keras.ops.max`."""
    result = _max(x, axis=axis, keepdims=keepdims)
    return result if initial is None else maximum(result, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The smallest value over `axis`. Equivalent to `keras.ops.min`."""
    result = _min(x, axis=axis, keepdims=keepdims)
    return result if initial is None else minimum(result, initial)


def _arg(name, x, axis, keepdims):
    x = convert_to_tensor(x)
    if axis is None:
        rank = x.ndim
        result = _run(name, [reshape(x, (-1,))], {"axis": 0, "keepdims": False})
        return reshape(result, (1,) * rank) if keepdims else result
    return _run(name, [x], {"axis": int(axis), "keepdims": bool(keepdims)})


def argmax(x, axis=None, keepdims=False):
    """The index of the largest value along `axis` (None: of the flattened tensor).
    Equivalent to `keras.ops.argmax`."""
    return _arg("argmax", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """The index of the smallest value along `axis`. Equivalent to `keras.ops.argmin`."""
    return _arg("argmin", x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """The variance over `axis`. Equivalent to `keras.ops.var`."""
    x = convert_to_tensor(x)
    if x.dtype not in _FLOATS:
        x = cast(x, "float32")
    centered = subtract(x, mean(x, axis=axis, keepdims=True))
    return mean(square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """The standard deviation over `axis`. Equivalent to `keras.ops.std`."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))


# -- activations ---------------------------------------------------------------------------


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`. Equivalent to `keras.ops.softmax`."""
    return _run("softmax", [convert_to_tensor(x)], {"axis": int(axis)})


def log_softmax(x, axis=-1):
    """`log(softmax(x))`, computed stably. Equivalent to `keras.ops.log_softmax`."""
    return _run("log_softmax", [convert_to_tensor(x)], {"axis": int(axis)})


def silu(x):
    """`x * sigmoid(x)`. Equivalent to `keras.ops.silu`."""
    return multiply(x, sigmoid(x))


def clip(x, x_min, x_max):
    """`x` limited to [x_min, x_max]. Equivalent to `keras.ops.clip`."""
    return _run("clip", [convert_to_tensor(x)], {"x_min": float(x_min), "x_max": float(x_max)})


# -- shapes --------------------------------------------------------------------------------


def reshape(x, newshape):
    """`x` with shape `newshape` (one -1 allowed). Equivalent to `keras.ops.reshape`."""
    if isinstance(newshape, int):
        newshape = (newshape,)
    return _run("reshape", [convert_to_tensor(x)], {"shape": [int(d) for d in newshape]})


def ravel(x):
    """`x` flattened to one axis. Equivalent to `keras.ops.ravel`."""
    return reshape(x, (-1,))


def transpose(x, axes=None):
    """`x` with its axes permuted (None: reversed). Equivalent to `keras.ops.transpose`."""
    return _run("transpose", [convert_to_tensor(x)], {"axes": _axis(axes)})


def moveaxis(x, source, destination):
    """`x` with axis `source` moved to `destination`. Equivalent to `keras.ops.moveaxis`."""
    x = convert_to_tensor(x)
    order = list(range(x.ndim))
    source, destination = source % x.ndim, destination % x.ndim
    order.remove(source)
    order.insert(destination, source)
    return transpose(x, order)


def swapaxes(x, axis1, axis2):
    """`x` with two axes exchanged. Equivalent to `keras.ops.swapaxes`."""
    x = convert_to_tensor(x)
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return transpose(x, order)


def expand_dims(x, axis):
    """`x` with a new axis of size 1 at `axis`. Equivalent to `keras.ops.expand_dims`."""
    return _run("expand_dims", [convert_to_tensor(x)], {"axis": int(axis)})


def squeeze(x, axis=None):
    """`x` without its axes of size 1 (or only `axis`). Equivalent to `keras.ops.squeeze`."""
    return _run("squeeze", [convert_to_tensor(x)], {"axis": _axis(axis)})


def broadcast_to(x, shape):
    """`x` broadcast to `shape`. Equivalent to `keras.ops.broadcast_to`."""
    return _run("broadcast_to", [convert_to_tensor(x)], {"shape": [int(d) for d in shape]})


def concatenate(xs, axis=0):
    """The tensors joined along `axis`. Equivalent to `keras.ops.concatenate`."""
    return _run("concatenate", _promote(*xs), {"axis": int(axis)})


def stack(x, axis=0):
    """The tensors stacked along a new axis `axis`. Equivalent to `keras.ops.stack`."""
    return _run("stack", _promote(*x), {"axis": int(axis)})


def take(x, indices, axis=None):
    """The entries of `x` at `indices` along `axis` (None: of the flattened tensor).
    Equivalent to `keras.ops.take`."""
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    return _run("take", [x, indices], {"axis": int(axis)})


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot rows of `num_classes` for integer labels `x`, the classes along `axis`.
    Equivalent to `keras.ops.one_hot` (`sparse=True` is not available)."""
    if sparse:
        raise NotImplementedError("plexus.ops.one_hot: sparse=True is not available")
    result = _run("one_hot", [convert_to_tensor(x)], {"num_classes": int(num_classes)})
    if axis != -1 and axis != result.ndim - 1:
        result = moveaxis(result, -1, axis)
    dtype = standardize_dtype(dtype) or "float32"
    return result if result.dtype == dtype else cast(result, dtype)


def cast(x, dtype):
    """`x` converted to `dtype`. Equivalent to `keras.ops.cast`."""
    return _run("cast", [convert_to_tensor(x)], {"dtype": standardize_dtype(dtype)})


# -- creation and introspection (NumPy-backed) -----------------------------------------------


def shape(x):
    """The dims of `x`, a tuple. Equivalent to `keras.ops.shape`."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def ndim(x):
    """The rank of `x`. Equivalent to `keras.ops.ndim`."""
    return len(shape(x))


def dtype(x):
    """The dtype name of `x`. Equivalent to `keras.backend.standardize_dtype(x.dtype)`."""
    return convert_to_tensor(x).dtype


def zeros(shape, dtype="float32"):
    """A tensor of zeros. Equivalent to `keras.ops.zeros`."""
    return convert_to_tensor(np.zeros(shape, dtype=standardize_dtype(dtype)))


def ones(shape, dtype="float32"):
    """A tensor of ones. Equivalent to `keras.ops.ones`."""
    return convert_to_tensor(np.ones(shape, dtype=standardize_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    """A tensor filled with `fill_value`. Equivalent to `keras.ops.full`."""
    dtype = standardize_dtype(dtype) or ("float32" if isinstance(fill_value, float) else None)
    return convert_to_tensor(np.full(shape, fill_value, dtype=dtype))


def zeros_like(x, dtype=None):
    """Zeros of the shape (and dtype) of `x`. Equivalent to `keras.ops.zeros_like`."""
    return zeros(shape(x), dtype=dtype or convert_to_tensor(x).dtype)


def ones_like(x, dtype=None):
    """Ones of the shape (and dtype) of `x`. Equivalent to `keras.ops.ones_like`."""
    return ones(shape(x), dtype=dtype or convert_to_tensor(x).dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values. Equivalent to `keras.ops.arange`."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    return convert_to_tensor(values, dtype=dtype)


def eye(N, M=None, k=0, dtype="float32"):  # noqa: N803 - Keras's names
    """An identity-like matrix. Equivalent to `keras.ops.eye`."""
    return convert_to_tensor(np.eye(N, M, k, dtype=standardize_dtype(dtype)))
