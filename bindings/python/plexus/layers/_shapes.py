"""Argument normalisation and output-shape arithmetic shared by the layers (Keras's
`standardize_tuple`, `compute_conv_output_shape`, ...). Shapes are tuples with None for an
unknown axis, batch axis first."""


def standardize_tuple(value, n, name):
    """An int or a sequence of `n` ints as a tuple of `n` ints."""
    if isinstance(value, int):
        return (value,) * n
    try:
        result = tuple(int(v) for v in value)
    except TypeError as error:
        raise ValueError(_expected(name, n, value)) from error
    if len(result) != n:
        raise ValueError(_expected(name, n, value))
    return result


def _expected(name, n, value):
    return f"`{name}` must be an int or a tuple of {n} ints; received {value!r}"


def standardize_pairs(value, name, n=2):
    """Keras's n-D padding or cropping (an int, n ints, or n pairs) as one (before, after)
    pair per spatial axis: ((top, bottom), (left, right)) in 2-D."""
    expected = f"`{name}` must be an int, {n} ints or {n} pairs of ints; received {value!r}"
    if isinstance(value, int):
        return ((value, value),) * n
    entries = tuple(value)
    if len(entries) != n:
        raise ValueError(expected)
    result = []
    for entry in entries:
        if isinstance(entry, int):
            result.append((entry, entry))
        else:
            pair = tuple(int(v) for v in entry)
            if len(pair) != 2:
                raise ValueError(expected)
            result.append(pair)
    return tuple(result)


def data_format(value):
    """Keras's `standardize_data_format`: None is "channels_last"."""
    return "channels_last" if value is None else str(value).lower()


def conv_length(length, kernel, padding, stride, dilation=1):
    if length is None:
        return None
    dilated = (kernel - 1) * dilation + 1
    out = length if padding in ("same", "causal") else length - dilated + 1
    return max((out + stride - 1) // stride, 0)


def deconv_length(length, kernel, padding, output_padding, stride, dilation=1):
    if length is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        return length * stride
    pad = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def product(dims):
    total = 1
    for d in dims:
        if d is None:
            return None
        total *= d
    return total
