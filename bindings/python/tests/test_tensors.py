"""plexus.Tensor with NumPy: values, dtypes and shapes round trip, and DLPack shares memory
both ways, each side outliving the other."""

import ctypes
import gc

import numpy as np
import pytest

import plexus
from plexus import _lib

pytestmark = pytest.mark.exports("px_tensor_to_dlpack", "px_tensor_from_dlpack")

DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]
SHAPES = [(), (0,), (3,), (2, 0, 4), (2, 3), (1, 2, 3, 4)]


def _values(shape, dtype):
    rng = np.random.default_rng(0)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    return (rng.random(shape) * 100).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_numpy_round_trip_keeps_values_dtype_and_shape(dtype, shape):
    array = _values(shape, dtype)
    tensor = plexus.convert_to_tensor(array)
    assert tensor.shape == shape
    assert tensor.dtype == dtype
    back = tensor.numpy()
    assert back.dtype == np.dtype(dtype)
    assert back.shape == shape
    np.testing.assert_array_equal(back, array)
    np.testing.assert_array_equal(np.asarray(tensor), array)


def test_copying_constructor_round_trips():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    tensor = plexus.tensor.create_copy(array)
    array[0, 0] = 99
    assert tensor.numpy()[0, 0] == 0
    assert tensor.nbytes == 48 and tensor.size == 12


def test_python_values_take_keras_dtypes():
    assert plexus.convert_to_tensor(1.5).dtype == "float32"
    assert plexus.convert_to_tensor([1, 2, 3]).dtype == "int32"
    assert plexus.convert_to_tensor([[True, False]]).dtype == "bool"
    assert plexus.convert_to_tensor([1, 2], dtype="float64").dtype == "float64"
    scalar = plexus.convert_to_tensor(2.5)
    assert scalar.shape == () and float(scalar) == 2.5


def test_non_contiguous_and_unsupported_dtypes_are_converted():
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    strided = base[:, ::2]
    np.testing.assert_array_equal(plexus.convert_to_tensor(strided).numpy(), strided)
    fortran = np.asfortranarray(base)
    np.testing.assert_array_equal(plexus.convert_to_tensor(fortran).numpy(), base)
    half = np.ones(3, dtype=np.float16)
    assert plexus.convert_to_tensor(half).dtype == "float32"


def test_plexus_from_dlpack_shares_numpy_memory():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    tensor = plexus.from_dlpack(array)
    assert tensor.data_ptr == array.__array_interface__["data"][0]
    array[1, 2] = 42.0
    assert tensor.numpy()[1, 2] == 42.0


def test_numpy_from_dlpack_shares_tensor_memory():
    tensor = plexus.convert_to_tensor(np.arange(4, dtype=np.int64))
    tensor = plexus.ops.add(tensor, 0)  # memory the C library owns
    view = np.from_dlpack(tensor)
    assert view.__array_interface__["data"][0] == tensor.data_ptr
    assert tensor.numpy().__array_interface__["data"][0] == tensor.data_ptr


def test_tensor_outlives_the_numpy_array_it_shares():
    array = np.full((128, 128), 7.0, dtype=np.float32)
    tensor = plexus.from_dlpack(array)
    del array
    gc.collect()
    np.testing.assert_array_equal(tensor.numpy(), np.full((128, 128), 7.0, dtype=np.float32))


def test_numpy_array_outlives_the_tensor_it_shares():
    tensor = plexus.ops.multiply(plexus.convert_to_tensor(np.ones((64, 64), np.float32)), 3.0)
    view = np.from_dlpack(tensor)
    pointer = tensor.data_ptr
    tensor.close()
    del tensor
    gc.collect()
    assert view.__array_interface__["data"][0] == pointer
    np.testing.assert_array_equal(view, np.full((64, 64), 3.0, dtype=np.float32))


def test_dlpack_capsules_follow_the_protocol():
    tensor = plexus.convert_to_tensor(np.arange(3, dtype=np.float32))
    versioned = tensor.__dlpack__(max_version=(1, 0))
    legacy = tensor.__dlpack__()
    assert "dltensor_versioned" in repr(versioned)
    assert '"dltensor"' in repr(legacy)
    assert tensor.__dlpack_device__() == (1, 0)
    # A capsule nobody consumes releases its reference when it goes.
    del versioned, legacy
    gc.collect()
    # The legacy capsule imports too (a pre-1.0 consumer).
    np.testing.assert_array_equal(plexus.from_dlpack(tensor.__dlpack__()).numpy(), [0, 1, 2])
    capsule = tensor.__dlpack__(max_version=(1, 1))
    first = plexus.from_dlpack(capsule)
    assert "used_dltensor_versioned" in repr(capsule)
    with pytest.raises(ValueError, match="consumed only once"):
        plexus.from_dlpack(capsule)
    assert first.data_ptr == tensor.data_ptr


@pytest.mark.parametrize("max_version", [(1, 0), None])
def test_capsule_is_claimed_before_the_import_and_given_back_when_it_fails(monkeypatch, max_version):
    # Renamed "used_..." before the C import (two threads cannot both take it); a failed import
    # gives the capsule its name back, so that it still owns (and frees) the memory.
    from plexus import _dlpack, _lib

    library = _lib.lib()
    attribute = "px_tensor_from_dlpack" if max_version else "px_tensor_from_dlpack_legacy"
    tensor = plexus.convert_to_tensor(np.arange(3, dtype=np.float32))
    capsule = tensor.__dlpack__(max_version=max_version)
    original = "dltensor_versioned" if max_version else "dltensor"
    seen = []
    real = getattr(library, attribute)

    def recording(managed, out):
        seen.append(_dlpack._capsule_get_name(capsule).decode())
        return real(managed, out)

    monkeypatch.setattr(library, attribute, recording)
    imported = plexus.from_dlpack(capsule)
    assert seen == ["used_" + original]
    np.testing.assert_array_equal(imported.numpy(), [0, 1, 2])

    capsule = tensor.__dlpack__(max_version=max_version)
    monkeypatch.setattr(library, attribute, lambda managed, out: plexus.errors.STATUS_INTERNAL)
    with pytest.raises(plexus.PlexusError):
        plexus.from_dlpack(capsule)
    assert _dlpack._capsule_get_name(capsule).decode() == original
    monkeypatch.setattr(library, attribute, real)
    np.testing.assert_array_equal(plexus.from_dlpack(capsule).numpy(), [0, 1, 2])


def test_dlpack_copy_makes_new_memory():
    tensor = plexus.ops.add(plexus.convert_to_tensor(np.arange(3, dtype=np.float32)), 0.0)
    copied = np.from_dlpack(tensor, copy=True)
    assert copied.__array_interface__["data"][0] != tensor.data_ptr
    np.testing.assert_array_equal(copied, [0, 1, 2])


def test_read_only_arrays_are_shared_read_only():
    array = np.arange(4, dtype=np.float32)
    array.flags.writeable = False
    tensor = plexus.from_dlpack(array)
    assert tensor.data_ptr == array.__array_interface__["data"][0]
    np.testing.assert_array_equal(tensor.numpy(), array)
    # Shared back read-only: NumPy refuses writes, and the DLPack export carries the flag.
    for view in (tensor.numpy(), np.from_dlpack(tensor), np.asarray(tensor)):
        assert not view.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            view[0] = 1.0
    from plexus import _dlpack, _lib

    capsule = tensor.__dlpack__(max_version=(1, 0))
    managed = _dlpack._capsule_get_pointer(capsule, _dlpack._address(_dlpack._VERSIONED))
    flags = _lib.DLManagedTensorVersioned.from_address(managed).flags
    assert flags & _lib.DLPACK_FLAG_BITMASK_READ_ONLY
    np.testing.assert_array_equal(array, [0, 1, 2, 3])


def test_bfloat16_converts_to_float32_for_numpy():
    tensor = plexus.convert_to_tensor([1.0, -2.5, 3.0], dtype="bfloat16")
    assert tensor.dtype == "bfloat16" and tensor.nbytes == 6
    np.testing.assert_array_equal(tensor.numpy(), np.array([1.0, -2.5, 3.0], np.float32))


def test_repr_and_scalar_conversions():
    tensor = plexus.convert_to_tensor(np.array([[1.0, 2.0]], dtype=np.float32))
    assert "shape=(1, 2)" in repr(tensor) and "float32" in repr(tensor)
    assert len(tensor) == 1
    assert float(plexus.ops.sum(tensor)) == 3.0
    np.testing.assert_array_equal(tensor[0].numpy(), [1.0, 2.0])


@pytest.mark.parametrize("how", ["versioned capsule", "legacy capsule", "numpy view"])
def test_memory_is_released_once_the_last_holder_goes(how):
    """A view tensor's deleter runs only when the tensor and every DLPack export of it are
    gone: an unconsumed capsule's destructor and NumPy's array each drop their reference."""
    import ctypes

    from plexus import _lib

    released = []
    deleter = _lib.TENSOR_DELETER(lambda data, user: released.append(data))
    memory = np.arange(4, dtype=np.float32)
    shape = (ctypes.c_int64 * 1)(4)
    handle = ctypes.c_void_p()
    _lib.check(
        _lib.lib().px_tensor_create_view(
            _lib.DTYPE_FLOAT32, shape, 1, memory.ctypes.data, memory.nbytes, deleter, None,
            ctypes.byref(handle),
        )
    )  # fmt: skip
    tensor = plexus.Tensor(handle.value)
    if how == "versioned capsule":
        holder = tensor.__dlpack__(max_version=(1, 0))
    elif how == "legacy capsule":
        holder = tensor.__dlpack__()
    else:
        holder = np.from_dlpack(tensor)
        assert holder.__array_interface__["data"][0] == memory.ctypes.data
    tensor.close()
    gc.collect()
    assert released == []
    del holder
    gc.collect()
    assert released == [memory.ctypes.data]


def test_a_capsule_numpy_rejects_raises_numpys_error_and_releases_the_tensor():
    # NumPy has no bfloat16: it drops the capsule with its error set. The capsule's destructor
    # must keep that error (not turn it into SystemError) and still release the export.
    deleted = []
    keep = np.zeros(4, dtype=np.uint16)
    deleter = _lib.TENSOR_DELETER(lambda data, user: deleted.append(data))
    handle = ctypes.c_void_p()
    shape = (ctypes.c_int64 * 1)(4)
    _lib.check(_lib.lib().px_tensor_create_view(
        _lib.DTYPE_BFLOAT16, shape, 1, keep.ctypes.data, keep.nbytes, deleter, None,
        ctypes.byref(handle),
    ))  # fmt: skip
    tensor = plexus.Tensor(handle.value)
    with pytest.raises(Exception) as info:
        np.from_dlpack(tensor)
    assert not isinstance(info.value, SystemError), info.value
    tensor.close()
    assert len(deleted) == 1
