"""The C library: finding and loading libplexus_c.so, the C signatures of every function in
include/plexus.h, ctypes mirrors of its structs and of the DLPack structs, and status checks.

Search order for the library: the environment variable PLEXUS_LIBRARY (a file path); a
libplexus_c.so inside this package's directory (what the wheel ships); else the repository's
`.build/release` and `.build/debug` builds, the release one when both exist unless the debug one
was built more recently (a stale release build would otherwise shadow the one being worked on).
"""

import ctypes
import functools
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path

from . import errors
from .errors import PlexusError, UnsupportedError

LIBRARY_NAME = "libplexus_c.so"
_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parents[2]  # <repo>/bindings/python/plexus

# ---------------------------------------------------------------------------------------------
# Constants of plexus.h
# ---------------------------------------------------------------------------------------------

ABI_VERSION_MAJOR = 0
ABI_VERSION_MINOR = 11

DTYPE_FLOAT32 = 0
DTYPE_FLOAT64 = 1
DTYPE_INT32 = 2
DTYPE_INT64 = 3
DTYPE_UINT8 = 4
DTYPE_BOOL = 5
DTYPE_BFLOAT16 = 6
MAX_RANK = 32

EVENT_TRAIN_BEGIN = 1
EVENT_TRAIN_END = 2
EVENT_EPOCH_BEGIN = 3
EVENT_EPOCH_END = 4
EVENT_TRAIN_BATCH_BEGIN = 5
EVENT_TRAIN_BATCH_END = 6
EVENT_TEST_BEGIN = 7
EVENT_TEST_END = 8
EVENT_TEST_BATCH_BEGIN = 9
EVENT_TEST_BATCH_END = 10
EVENT_PREDICT_BEGIN = 11
EVENT_PREDICT_END = 12
EVENT_PREDICT_BATCH_BEGIN = 13
EVENT_PREDICT_BATCH_END = 14



def EVENT_BIT(kind):  # noqa: N802 - the header's macro
    """The px_fit_options.event_mask bit of an event kind."""
    return 1 << kind


OPTION_DEFAULT = 0
OPTION_ON = 1
OPTION_OFF = 2
STEP_TRAIN = 0
STEP_TEST = 1
STEP_PREDICT = 2

# DLPack (include/dlpack/dlpack.h, v1.1)
DL_CPU = 1
DL_CUDA_HOST = 3
DL_INT = 0
DL_UINT = 1
DL_FLOAT = 2
DL_BFLOAT = 4
DL_BOOL = 6
DLPACK_FLAG_BITMASK_READ_ONLY = 1 << 0
DLPACK_FLAG_BITMASK_IS_COPIED = 1 << 1

# ---------------------------------------------------------------------------------------------
# Structs
# ---------------------------------------------------------------------------------------------


class ProgressEvent(Structure):
    """`px_progress_event`: one progress report, valid only during the callback."""

    _fields_ = [
        ("struct_size", c_uint32),
        ("kind", c_int32),
        ("epoch", c_int64),
        ("epochs", c_int64),
        ("step", c_int64),
        ("steps", c_int64),
        ("log_count", c_size_t),
        ("log_names", POINTER(c_char_p)),
        ("log_values", POINTER(c_double)),
    ]


class FitOptions(Structure):
    """`px_fit_options`: zero-initialised; a zero field takes its default."""

    _fields_ = [
        ("struct_size", c_uint32),
        ("verbose", c_int32),
        ("batch_size", c_int64),
        ("epochs", c_int64),
        ("initial_epoch", c_int64),
        ("validation_split", c_double),
        ("shuffle", c_int32),
        ("event_mask", c_uint32),
        ("validation_x", POINTER(c_void_p)),
        ("validation_x_count", c_size_t),
        ("validation_y", POINTER(c_void_p)),
        ("validation_y_count", c_size_t),
        # ABI 0.8: sample_weight and class_weight
        ("sample_weight", c_void_p),
        ("class_weight_classes", POINTER(c_int64)),
        ("class_weight_values", POINTER(c_double)),
        ("class_weight_count", c_size_t),
        ("validation_sample_weight", c_void_p),
        # ABI 0.10: validation_freq and validation_batch_size
        ("validation_freq", c_int64),
        ("validation_epochs", POINTER(c_int64)),
        ("validation_epoch_count", c_size_t),
        ("validation_batch_size", c_int64),
    ]


class DLPackVersion(Structure):
    _fields_ = [("major", c_uint32), ("minor", c_uint32)]


class DLDevice(Structure):
    # device_type is the C enum DLDeviceType, int-sized.
    _fields_ = [("device_type", c_int), ("device_id", c_int32)]


class DLDataType(Structure):
    _fields_ = [("code", c_uint8), ("bits", c_uint8), ("lanes", c_uint16)]


class DLTensor(Structure):
    _fields_ = [
        ("data", c_void_p),
        ("device", DLDevice),
        ("ndim", c_int32),
        ("dtype", DLDataType),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("byte_offset", c_uint64),
    ]


# Both deleters take the managed struct's own address.
DLPACK_DELETER = CFUNCTYPE(None, c_void_p)


class DLManagedTensor(Structure):
    """The pre-1.0 managed tensor (capsule name "dltensor")."""

    _fields_ = [
        ("dl_tensor", DLTensor),
        ("manager_ctx", c_void_p),
        ("deleter", DLPACK_DELETER),
    ]


class DLManagedTensorVersioned(Structure):
    """The DLPack 1.x managed tensor (capsule name "dltensor_versioned")."""

    _fields_ = [
        ("version", DLPackVersion),
        ("manager_ctx", c_void_p),
        ("deleter", DLPACK_DELETER),
        ("flags", c_uint64),
        ("dl_tensor", DLTensor),
    ]


PROGRESS_FN = CFUNCTYPE(c_int32, POINTER(ProgressEvent), c_void_p)
TENSOR_DELETER = CFUNCTYPE(None, c_void_p, c_void_p)
DATASET_BATCH_FN = CFUNCTYPE(
    c_int32, c_int64, POINTER(c_void_p), c_size_t, POINTER(c_void_p), c_size_t,
    POINTER(c_void_p), c_void_p,
)  # fmt: skip
DATASET_EPOCH_FN = CFUNCTYPE(c_int32, c_int32, c_void_p)


class Dataset(Structure):
    """`px_dataset` (ABI 0.7): a dataset the library asks for one batch at a time."""

    _fields_ = [
        ("struct_size", c_uint32),
        ("batch_count", c_int64),
        ("batch", DATASET_BATCH_FN),
        ("epoch", DATASET_EPOCH_FN),
        ("user", c_void_p),
        ("prefetch", c_int32),
    ]

# ---------------------------------------------------------------------------------------------
# Signatures: every function of plexus.h, as (restype, argtypes).
# ---------------------------------------------------------------------------------------------

_status = c_int32
_handle = c_void_p
_handles = POINTER(c_void_p)
_out_handle = POINTER(c_void_p)
_size = c_size_t
_out_size = POINTER(c_size_t)
_string_out = [c_char_p, c_size_t, POINTER(c_size_t)]

SIGNATURES = {
    "px_abi_version": (c_uint32, []),
    "px_version_string": (c_char_p, []),
    "px_last_error_message": (c_char_p, []),
    "px_backend_count": (_status, [_out_size]),
    "px_backend_name": (_status, [c_size_t, *_string_out]),
    "px_config_set_backend": (_status, [c_char_p]),
    "px_config_backend": (_status, _string_out),
    "px_config_set_dtype_policy": (_status, [c_char_p]),
    "px_config_dtype_policy": (_status, _string_out),
    "px_distribution_world": (_status, [POINTER(c_int32), POINTER(c_int32)]),
    "px_distribution_set_data_parallel": (_status, [c_size_t]),
    "px_distribution_clear": (_status, []),
    "px_distribution_info": (_status, [POINTER(c_int32), POINTER(c_int32), POINTER(c_int32)]),
    "px_distribution_announce_failure": (_status, [c_char_p]),
    "px_backend_load": (_status, [c_char_p, c_char_p]),
    "px_backend_load_failure": (_status, [c_char_p, *_string_out]),
    "px_dispatch_count": (_status, [c_char_p, c_char_p, POINTER(c_int64), POINTER(c_int64)]),
    "px_dispatch_reset": (_status, []),
    "px_config_set_threads": (_status, [c_int64]),
    "px_config_threads": (_status, [POINTER(c_int64)]),
    "px_config_set_seed": (_status, [c_uint64]),
    "px_config_set_strict_dispatch": (_status, [c_int32]),
    "px_config_strict_dispatch": (_status, [POINTER(c_int32)]),
    # Tensors
    "px_tensor_create": (
        _status,
        [c_int32, POINTER(c_int64), c_size_t, c_void_p, c_size_t, _out_handle],
    ),
    "px_tensor_create_view": (
        _status,
        [
            c_int32,
            POINTER(c_int64),
            c_size_t,
            c_void_p,
            c_size_t,
            TENSOR_DELETER,
            c_void_p,
            _out_handle,
        ],
    ),
    "px_tensor_retain": (_status, [_handle]),
    "px_tensor_release": (None, [_handle]),
    "px_tensor_dtype": (_status, [_handle, POINTER(c_int32)]),
    "px_tensor_rank": (_status, [_handle, _out_size]),
    "px_tensor_shape": (_status, [_handle, POINTER(c_int64), c_size_t]),
    "px_tensor_element_count": (_status, [_handle, _out_size]),
    "px_tensor_byte_size": (_status, [_handle, _out_size]),
    "px_tensor_data": (_status, [_handle, POINTER(c_void_p)]),
    "px_tensor_copy_to": (_status, [_handle, c_void_p, c_size_t]),
    "px_tensor_to_dlpack": (_status, [_handle, POINTER(c_void_p)]),
    "px_tensor_from_dlpack": (_status, [c_void_p, _out_handle]),
    "px_tensor_from_dlpack_legacy": (_status, [c_void_p, _out_handle]),
    "px_dlpack_capsule_destructor": (None, [c_void_p]),
    # Ops
    "px_ops_call": (
        _status,
        [c_char_p, _handles, c_size_t, c_char_p, _handles, c_size_t, _out_size],
    ),
    # Layers and models
    "px_layer_create": (_status, [c_char_p, c_char_p, _out_handle]),
    "px_layer_release": (None, [_handle]),
    "px_model_create_sequential": (_status, [c_char_p, _out_handle]),
    "px_model_add_input": (_status, [_handle, POINTER(c_int64), c_size_t, c_int32]),
    "px_model_add": (_status, [_handle, _handle]),
    "px_model_from_json": (_status, [c_char_p, _out_handle]),
    "px_model_from_json_sharing": (
        _status, [c_char_p, POINTER(c_char_p), POINTER(c_void_p), c_size_t, _out_handle]
    ),
    "px_model_to_json": (_status, [_handle, *_string_out]),
    "px_model_release": (None, [_handle]),
    "px_model_save": (_status, [_handle, c_char_p]),
    "px_model_load": (_status, [c_char_p, c_int32, _out_handle]),
    "px_model_save_weights": (_status, [_handle, c_char_p]),
    "px_model_load_weights": (_status, [_handle, c_char_p]),
    "px_model_build": (_status, [_handle, POINTER(c_int64), c_size_t]),
    "px_model_set_backend": (_status, [_handle, c_char_p]),
    "px_model_set_trainable": (_status, [_handle, c_char_p, c_int32]),
    "px_model_name": (_status, [_handle, *_string_out]),
    "px_model_input_count": (_status, [_handle, _out_size]),
    "px_model_output_count": (_status, [_handle, _out_size]),
    "px_model_count_params": (_status, [_handle, _out_size]),
    "px_model_summary": (_status, [_handle, *_string_out]),
    "px_model_weight_count": (_status, [_handle, _out_size]),
    "px_model_weight_path": (_status, [_handle, c_size_t, *_string_out]),
    "px_model_get_weight": (_status, [_handle, c_char_p, _out_handle]),
    "px_model_set_weight": (_status, [_handle, c_char_p, _handle]),
    "px_model_compile": (
        _status,
        [_handle, c_char_p, c_char_p, POINTER(c_char_p), c_size_t],
    ),
    "px_model_set_weighted_metrics": (_status, [_handle, POINTER(c_char_p), c_size_t]),
    # Training, evaluation and inference
    "px_model_fit": (
        _status,
        [
            _handle,
            _handles,
            c_size_t,
            _handles,
            c_size_t,
            POINTER(FitOptions),
            PROGRESS_FN,
            c_void_p,
            _out_handle,
        ],
    ),
    "px_model_fit_dataset": (
        _status,
        [_handle, POINTER(Dataset), POINTER(FitOptions), POINTER(Dataset), PROGRESS_FN,
         c_void_p, _out_handle],
    ),  # fmt: skip
    "px_model_evaluate_dataset": (
        _status,
        [_handle, POINTER(Dataset), PROGRESS_FN, c_void_p, _out_handle],
    ),
    "px_model_predict_dataset": (
        _status,
        [_handle, POINTER(Dataset), PROGRESS_FN, c_void_p, _handles, c_size_t],
    ),
    "px_model_stop_training": (_status, [_handle]),
    "px_model_evaluate": (
        _status,
        [
            _handle,
            _handles,
            c_size_t,
            _handles,
            c_size_t,
            c_int64,
            PROGRESS_FN,
            c_void_p,
            _out_handle,
        ],
    ),
    "px_model_evaluate_weighted": (
        _status,
        [
            _handle,
            _handles,
            c_size_t,
            _handles,
            c_size_t,
            _handle,
            c_int64,
            PROGRESS_FN,
            c_void_p,
            _out_handle,
        ],
    ),
    "px_model_predict": (
        _status,
        [_handle, _handles, c_size_t, c_int64, PROGRESS_FN, c_void_p, _handles, c_size_t],
    ),
    "px_model_call": (_status, [_handle, _handles, c_size_t, c_int32, _handles, c_size_t]),
    "px_model_predict_on_batch": (
        _status,
        [_handle, _handles, c_size_t, _handles, c_size_t],
    ),
    "px_model_train_on_batch": (
        _status,
        [_handle, _handles, c_size_t, _handles, c_size_t, _out_handle],
    ),
    "px_model_train_on_batch_weighted": (
        _status,
        [
            _handle,
            _handles,
            c_size_t,
            _handles,
            c_size_t,
            _handle,
            POINTER(c_int64),
            POINTER(c_double),
            c_size_t,
            _out_handle,
        ],
    ),
    "px_model_learning_rate": (_status, [_handle, POINTER(c_double)]),
    "px_model_set_learning_rate": (_status, [_handle, c_double]),
    "px_model_iterations": (_status, [_handle, POINTER(c_int64)]),
    "px_model_set_execution": (_status, [_handle, c_int32, c_int32]),
    "px_model_step_counts": (_status, [_handle, c_int32, POINTER(c_int64)]),
    "px_model_set_loss_weights": (_status, [_handle, POINTER(c_double), c_size_t]),
    # Logs
    "px_logs_count": (_status, [_handle, _out_size]),
    "px_logs_name": (_status, [_handle, c_size_t, *_string_out]),
    "px_logs_values": (_status, [_handle, c_size_t, POINTER(c_double), c_size_t, _out_size]),
    "px_logs_get": (_status, [_handle, c_char_p, POINTER(c_double)]),
    "px_logs_release": (None, [_handle]),
    # Metrics and losses on their own
    "px_metric_create": (_status, [c_char_p, POINTER(c_void_p)]),
    "px_metric_update": (_status, [_handle, _handle, _handle, _handle]),
    "px_metric_result": (_status, [_handle, POINTER(c_double)]),
    "px_metric_results": (_status, [_handle, POINTER(c_double), c_size_t, _out_size]),
    "px_metric_reset": (_status, [_handle]),
    "px_metric_release": (None, [_handle]),
    "px_loss_call": (_status, [c_char_p, _handle, _handle, _handle, POINTER(c_void_p)]),
}

# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def _repository_candidates():
    if not (_REPO_ROOT / "Package.swift").is_file():
        return []
    release = _REPO_ROOT / ".build" / "release" / LIBRARY_NAME
    debug = _REPO_ROOT / ".build" / "debug" / LIBRARY_NAME
    if release.is_file() and debug.is_file():
        if debug.stat().st_mtime > release.stat().st_mtime:
            return [debug, release]
    return [release, debug]


def library_path():
    """The libplexus_c.so this package loads (see the module's docstring for the order)."""
    override = os.environ.get("PLEXUS_LIBRARY")
    if override:
        return Path(override)
    candidates = [_PACKAGE_DIR / LIBRARY_NAME, *_repository_candidates()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise PlexusError(
        f"cannot find {LIBRARY_NAME} (looked in {searched}); install the package with "
        "`pip install bindings/python`, build it with `swift build --product plexus_c`, or set "
        "PLEXUS_LIBRARY to its path"
    )


class _MissingFunction:
    """Stands for a function the loaded library does not export: calling it explains."""

    def __init__(self, name, path):
        self.__name__ = name
        self._path = path

    def __call__(self, *args, **kwargs):
        raise UnsupportedError(
            f"{self._path} does not export {self.__name__}: the library is older than "
            f"include/plexus.h {ABI_VERSION_MAJOR}.{ABI_VERSION_MINOR}; rebuild it"
        )


class Library:
    """The loaded library: one attribute per function of plexus.h, signatures declared."""

    def __init__(self, path):
        try:
            self._cdll = ctypes.CDLL(str(path))
        except OSError as error:
            raise PlexusError(f"cannot load {path}: {error}") from error
        self.path = Path(path)
        self.missing = []
        for name, (restype, argtypes) in SIGNATURES.items():
            try:
                function = getattr(self._cdll, name)
            except AttributeError:
                self.missing.append(name)
                setattr(self, name, _MissingFunction(name, path))
                continue
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name, function)
        self._check_abi_version()

    def _check_abi_version(self):
        """Refuses a library whose ABI this package cannot use: another major version, or an
        older minor one (it lacks functions or struct fields the package relies on)."""
        if "px_abi_version" in self.missing:
            raise PlexusError(
                f"{self.path} does not export px_abi_version: it is not a Plexus C library "
                f"of ABI {ABI_VERSION_MAJOR}.{ABI_VERSION_MINOR}"
            )
        packed = self.px_abi_version()
        major, minor = packed >> 16, packed & 0xFFFF
        if major != ABI_VERSION_MAJOR or minor < ABI_VERSION_MINOR:
            raise PlexusError(
                f"{self.path} has C ABI version {major}.{minor}, but this plexus package needs "
                f"ABI {ABI_VERSION_MAJOR}.x with x >= {ABI_VERSION_MINOR} (it was written for "
                f"{ABI_VERSION_MAJOR}.{ABI_VERSION_MINOR}); install the matching library or "
                "package, or rebuild the library"
            )

    def has(self, name):
        """Whether the library exports `name`."""
        return name not in self.missing


@functools.lru_cache(maxsize=None)
def lib():
    """The loaded library, loaded on first use."""
    return Library(library_path())


# ---------------------------------------------------------------------------------------------
# Status checks and strings
# ---------------------------------------------------------------------------------------------


def last_error_message():
    """This thread's last-error text."""
    return lib().px_last_error_message().decode("utf-8", errors="replace")


def check(status):
    """Raises the PlexusError subclass of `status` with this thread's message unless OK."""
    if status != errors.STATUS_OK:
        raise errors.error_for_status(status, last_error_message())


def read_string(function, *args):
    """Calls a string-out function (buffer, capacity, needed) twice and returns the text."""
    needed = c_size_t()
    check(function(*args, None, 0, ctypes.byref(needed)))
    buffer = ctypes.create_string_buffer(max(needed.value, 1))
    check(function(*args, buffer, len(buffer), ctypes.byref(needed)))
    return buffer.value.decode("utf-8")


def handle_array(handles):
    """A C array of handles (`const px_tensor *const *`) for a list of raw pointers."""
    return (c_void_p * max(len(handles), 1))(*handles)
