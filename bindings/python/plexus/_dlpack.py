"""DLPack capsules from Python, through ctypes: making them for `Tensor.__dlpack__` and
consuming them for `plexus.from_dlpack`, following the Python DLPack protocol
(https://dmlc.github.io/dlpack/latest/python_spec.html):

- A producer returns a PyCapsule named "dltensor_versioned" (DLPack 1.x, when the consumer
  passed max_version >= (1, 0)) or "dltensor" (the pre-1.0 struct) holding the managed tensor.
- A consumer that takes ownership renames the capsule "used_dltensor_versioned" /
  "used_dltensor"; the capsule's destructor calls the managed tensor's deleter only when the
  capsule still has its original name, i.e. nobody took it.
"""

import ctypes
import threading
from ctypes import PYFUNCTYPE, c_char_p, c_int, c_void_p, py_object

from ._lib import DLManagedTensor, DLManagedTensorVersioned, check, lib

_api = ctypes.pythonapi

# Own prototypes (not ctypes.pythonapi's shared attributes, whose argtypes other code may set).
_capsule_new = PYFUNCTYPE(py_object, c_void_p, c_void_p, c_void_p)(("PyCapsule_New", _api))
_capsule_is_valid = PYFUNCTYPE(c_int, py_object, c_void_p)(("PyCapsule_IsValid", _api))
_capsule_get_pointer = PYFUNCTYPE(c_void_p, py_object, c_void_p)(("PyCapsule_GetPointer", _api))
_capsule_set_name = PYFUNCTYPE(c_int, py_object, c_void_p)(("PyCapsule_SetName", _api))
_capsule_get_name = PYFUNCTYPE(c_char_p, py_object)(("PyCapsule_GetName", _api))
# The destructor sees the capsule as a raw address: its reference count is already zero, so it
# must not become a Python object again.
_raw_is_valid = PYFUNCTYPE(c_int, c_void_p, c_void_p)(("PyCapsule_IsValid", _api))
_raw_get_pointer = PYFUNCTYPE(c_void_p, c_void_p, c_void_p)(("PyCapsule_GetPointer", _api))
_incref = PYFUNCTYPE(None, py_object)(("Py_IncRef", _api))

# A capsule keeps a pointer to its name, not a copy: the names live as long as the process.
_VERSIONED = ctypes.create_string_buffer(b"dltensor_versioned")
_LEGACY = ctypes.create_string_buffer(b"dltensor")
_USED_VERSIONED = ctypes.create_string_buffer(b"used_dltensor_versioned")
_USED_LEGACY = ctypes.create_string_buffer(b"used_dltensor")


def _address(buffer):
    return ctypes.addressof(buffer)


_CAPSULE_DESTRUCTOR = ctypes.CFUNCTYPE(None, c_void_p)


def _destroy_capsule(capsule):
    """Deletes the managed tensor of a capsule nobody consumed (still named "dltensor...")."""
    for name, struct in ((_VERSIONED, DLManagedTensorVersioned), (_LEGACY, DLManagedTensor)):
        if _raw_is_valid(capsule, _address(name)):
            managed = _raw_get_pointer(capsule, _address(name))
            if managed:
                deleter = struct.from_address(managed).deleter
                if deleter:
                    deleter(managed)
            return


# Kept alive for the whole process: a capsule may outlive this module's globals at shutdown.
_destructor = _CAPSULE_DESTRUCTOR(_destroy_capsule)
_incref(_destructor)


def _capsule_destructor():
    """The destructor capsules get: the library's C one, which keeps a Python exception that
    is set while a consumer drops a rejected capsule (this module's Python one cannot run then:
    the error escapes as SystemError and the tensor leaks); the Python one for an older
    library."""
    library = lib()
    if library.has("px_dlpack_capsule_destructor"):
        return ctypes.cast(library.px_dlpack_capsule_destructor, c_void_p)
    return ctypes.cast(_destructor, c_void_p)

# Legacy exports wrap a versioned managed tensor in a DLManagedTensor made here; each is kept
# (with the versioned pointer it owns) until its deleter runs.
_legacy_exports = {}


def _delete_legacy(address):
    entry = _legacy_exports.pop(address, None)
    if entry is None:
        return
    _, versioned = entry
    deleter = DLManagedTensorVersioned.from_address(versioned).deleter
    if deleter:
        deleter(versioned)


_legacy_deleter = DLManagedTensor._fields_[2][1](_delete_legacy)
_incref(_legacy_deleter)


def versioned_capsule(managed):
    """A "dltensor_versioned" capsule owning the DLManagedTensorVersioned at `managed`."""
    return _capsule_new(managed, _address(_VERSIONED), _capsule_destructor())


def legacy_capsule(managed):
    """A "dltensor" capsule for the versioned tensor at `managed`, as a pre-1.0
    DLManagedTensor whose deleter deletes the versioned one."""
    source = DLManagedTensorVersioned.from_address(managed)
    legacy = DLManagedTensor()
    legacy.dl_tensor = source.dl_tensor
    legacy.manager_ctx = managed
    legacy.deleter = _legacy_deleter
    address = ctypes.addressof(legacy)
    _legacy_exports[address] = (legacy, managed)
    try:
        return _capsule_new(address, _address(_LEGACY), _capsule_destructor())
    except BaseException:
        _legacy_exports.pop(address, None)
        raise


def delete_versioned(managed):
    """Calls the deleter of an export that never made it into a capsule."""
    deleter = DLManagedTensorVersioned.from_address(managed).deleter
    if deleter:
        deleter(managed)


_claim_lock = threading.Lock()


def tensor_handle_from_capsule(capsule):
    """Imports a DLPack capsule into a new px_tensor handle without copying. The capsule is
    renamed "used_..." before the import (under a lock, so that two threads cannot both claim
    it), which also tells its destructor to leave the memory to Plexus; a failed import gives
    it its name back."""
    with _claim_lock:
        name = _capsule_get_name(capsule)
        if name == b"dltensor_versioned":
            own, used, function = _VERSIONED, _USED_VERSIONED, lib().px_tensor_from_dlpack
        elif name == b"dltensor":
            own, used, function = _LEGACY, _USED_LEGACY, lib().px_tensor_from_dlpack_legacy
        else:
            shown = name.decode("utf-8", "replace") if name else name
            raise ValueError(
                f"plexus.from_dlpack: expected a capsule named 'dltensor_versioned' or "
                f"'dltensor', received {shown!r} (a capsule can be consumed only once)"
            )
        managed = _capsule_get_pointer(capsule, _address(own))
        _capsule_set_name(capsule, _address(used))
    handle = c_void_p()
    try:
        check(function(managed, ctypes.byref(handle)))
    except BaseException:
        _capsule_set_name(capsule, _address(own))  # not taken: the capsule still owns it
        raise
    return handle.value
