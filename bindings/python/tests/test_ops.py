"""plexus.ops against NumPy: every op of px_ops_call with Keras's argument names, on
NumPy arrays, Python scalars and Tensors."""

import numpy as np
import pytest

import plexus
from plexus import ops

pytestmark = pytest.mark.exports("px_ops_call")

rng = np.random.default_rng(7)
A = rng.standard_normal((3, 4)).astype(np.float32)
B = rng.standard_normal((3, 4)).astype(np.float32)
POSITIVE = (rng.random((3, 4)) + 0.5).astype(np.float32)


def close(tensor, expected, rtol=1e-5, atol=1e-6):
    assert isinstance(tensor, plexus.Tensor)
    np.testing.assert_allclose(tensor.numpy(), expected, rtol=rtol, atol=atol)


UNARY = [
    ("negative", A, np.negative),
    ("abs", A, np.abs),
    ("sign", A, np.sign),
    ("square", A, np.square),
    ("sqrt", POSITIVE, np.sqrt),
    ("rsqrt", POSITIVE, lambda x: 1 / np.sqrt(x)),
    ("exp", A, np.exp),
    ("expm1", A, np.expm1),
    ("log", POSITIVE, np.log),
    ("log1p", POSITIVE, np.log1p),
    ("sin", A, np.sin),
    ("cos", A, np.cos),
    ("tanh", A, np.tanh),
    ("sigmoid", A, lambda x: 1 / (1 + np.exp(-x))),
    ("relu", A, lambda x: np.maximum(x, 0)),
    ("floor", A * 3, np.floor),
    ("ceil", A * 3, np.ceil),
    ("round", A * 3, np.round),
    ("reciprocal", POSITIVE, np.reciprocal),
    ("copy", A, np.copy),
]


@pytest.mark.parametrize("name, x, reference", UNARY, ids=[u[0] for u in UNARY])
def test_unary_matches_numpy(name, x, reference):
    close(getattr(ops, name)(x), reference(x), rtol=1e-5, atol=1e-5)


def test_erf_and_logical_not():
    import math

    close(ops.erf(A), np.vectorize(math.erf)(A).astype(np.float32), atol=1e-5)
    np.testing.assert_array_equal(ops.logical_not(A > 0).numpy(), ~(A > 0))


BINARY = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("divide", np.divide), ("maximum", np.maximum), ("minimum", np.minimum),
    ("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
    ("less_equal", np.less_equal), ("greater", np.greater),
    ("greater_equal", np.greater_equal),
]  # fmt: skip


@pytest.mark.parametrize("name, reference", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_numpy_with_broadcasting(name, reference):
    row = B[0]
    close(getattr(ops, name)(A, row), reference(A, row))
    close(getattr(ops, name)(plexus.convert_to_tensor(A), B), reference(A, B))


def test_power_logical_and_matmul():
    close(ops.power(POSITIVE, 2.5), np.power(POSITIVE, 2.5), rtol=1e-4)
    np.testing.assert_array_equal(ops.logical_and(A > 0, B > 0).numpy(), (A > 0) & (B > 0))
    np.testing.assert_array_equal(ops.logical_or(A > 0, B > 0).numpy(), (A > 0) | (B > 0))
    close(ops.matmul(A, B.T), A @ B.T, rtol=1e-4, atol=1e-5)
    batch = rng.standard_normal((2, 3, 5)).astype(np.float32)
    close(ops.matmul(batch, np.ones((5, 2), np.float32)), batch @ np.ones((5, 2)), atol=1e-5)


def test_where():
    close(ops.where(A > 0, A, B), np.where(A > 0, A, B))
    close(ops.where(A > 0, A, 0.0), np.where(A > 0, A, 0.0))


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    close(
        getattr(ops, name)(A, axis=axis, keepdims=keepdims),
        getattr(np, name)(A, axis=axis, keepdims=keepdims),
        rtol=1e-5,
        atol=1e-5,
    )


def test_logsumexp_argmax_argmin():
    reference = np.log(np.sum(np.exp(A), axis=1))
    close(ops.logsumexp(A, axis=1), reference, atol=1e-5)
    np.testing.assert_array_equal(ops.argmax(A, axis=1).numpy(), np.argmax(A, axis=1))
    np.testing.assert_array_equal(ops.argmin(A, axis=0).numpy(), np.argmin(A, axis=0))
    assert int(ops.argmax(A)) == int(np.argmax(A))
    assert ops.argmax(A, axis=-1, keepdims=True).shape == (3, 1)


def test_softmax_log_softmax_clip():
    exp = np.exp(A - A.max(axis=-1, keepdims=True))
    softmax = exp / exp.sum(axis=-1, keepdims=True)
    close(ops.softmax(A), softmax, atol=1e-6)
    close(ops.log_softmax(A, axis=-1), np.log(softmax), atol=1e-5)
    np.testing.assert_allclose(ops.softmax(A, axis=0).numpy().sum(axis=0), np.ones(4), atol=1e-6)
    close(ops.clip(A, -0.5, 0.5), np.clip(A, -0.5, 0.5))


def test_shape_ops():
    close(ops.reshape(A, (4, 3)), A.reshape(4, 3))
    close(ops.reshape(A, (-1,)), A.reshape(-1))
    close(ops.transpose(A), A.T)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    close(ops.transpose(x, axes=(1, 2, 0)), np.transpose(x, (1, 2, 0)))
    assert ops.expand_dims(A, 0).shape == (1, 3, 4)
    assert ops.squeeze(np.ones((1, 3, 1), np.float32)).shape == (3,)
    assert ops.squeeze(np.ones((1, 3, 1), np.float32), axis=0).shape == (3, 1)
    close(ops.broadcast_to(A[0], (2, 4)), np.broadcast_to(A[0], (2, 4)))
    close(ops.concatenate([A, B], axis=0), np.concatenate([A, B], axis=0))
    close(ops.concatenate([A, B], axis=-1), np.concatenate([A, B], axis=-1))
    close(ops.stack([A, B], axis=1), np.stack([A, B], axis=1))
    close(ops.take(A, [2, 0], axis=1), np.take(A, [2, 0], axis=1))
    close(ops.take(A, [5, 1]), np.take(A, [5, 1]))
    close(ops.one_hot(np.array([0, 2, 1]), 3), np.eye(3, dtype=np.float32)[[0, 2, 1]])


def test_cast_and_promotion():
    ints = np.array([1, 2, 3], dtype=np.int32)
    assert ops.cast(ints, "float32").dtype == "float32"
    assert ops.cast(A > 0, "int32").dtype == "int32"
    assert ops.add(ints, 1).dtype == "int32"
    assert ops.add(ints, 1.5).dtype == "float32"
    assert ops.multiply(ints, np.ones(3, np.float32)).dtype == "float32"
    close(ops.divide(ints, 2), ints / 2)
    assert ops.divide(ints, 2).dtype == "float32"


def test_operators_on_tensors():
    a, b = plexus.convert_to_tensor(A), plexus.convert_to_tensor(B)
    close(a + b, A + B)
    close(a - 1.0, A - 1)
    close(2.0 * a, 2 * A)
    close(a / 2.0, A / 2)
    close(a @ b.numpy().T, A @ B.T, atol=1e-5)
    close(-a, -A)
    close(abs(a), np.abs(A))
    np.testing.assert_array_equal((a > b).numpy(), A > B)
    close(A + a, 2 * A)  # NumPy on the left defers to the Tensor


def test_unknown_op_names_the_op():
    with pytest.raises(plexus.InvalidArgumentError, match="no_such_op"):
        ops.call("no_such_op", A)
    with pytest.raises(ValueError):
        ops.reshape(A, (5, 5))
