"""Checks of the C ABI through the Python binding (run with pytest from the repository root)."""

import ctypes
import re
import threading
from pathlib import Path

import pytest

import plexus

HEADER = Path(__file__).resolve().parents[3] / "include" / "plexus.h"


def header_macro(name):
    match = re.search(rf"^#define {name} (\d+)$", HEADER.read_text(), re.MULTILINE)
    assert match, f"{name} not found in {HEADER}"
    return int(match.group(1))


def test_abi_version_matches_header():
    expected = (header_macro("PX_ABI_VERSION_MAJOR"), header_macro("PX_ABI_VERSION_MINOR"))
    assert plexus.abi_version() == expected


def test_version_string_starts_with_abi_major_minor():
    major, minor = plexus.abi_version()
    assert plexus.version().startswith(f"{major}.{minor}.")


def test_builtin_backends_are_listed():
    names = plexus.backend_names()
    assert names[:2] == ["reference", "openblas"]


def test_null_out_parameter_raises_with_message():
    with pytest.raises(plexus.PlexusError, match="out_count is NULL") as info:
        plexus._check(plexus._library().px_backend_count(None))
    assert info.value.status == plexus.STATUS_INVALID_ARGUMENT


def test_index_out_of_range_raises_with_message():
    count = len(plexus.backend_names())
    with pytest.raises(plexus.PlexusError, match=f"index {count} is out of range"):
        plexus._backend_name(count)


def test_last_error_is_per_thread():
    assert plexus._library().px_backend_count(None) == plexus.STATUS_INVALID_ARGUMENT
    seen = []
    thread = threading.Thread(target=lambda: seen.append(plexus._library().px_last_error_message()))
    thread.start()
    thread.join()
    assert seen == [b""]
    assert plexus._library().px_last_error_message() != b""


def test_successful_call_clears_last_error():
    assert plexus._library().px_backend_count(None) == plexus.STATUS_INVALID_ARGUMENT
    count = ctypes.c_size_t()
    assert plexus._library().px_backend_count(ctypes.byref(count)) == plexus.STATUS_OK
    assert plexus._library().px_last_error_message() == b""


@pytest.mark.parametrize("package_version", [(1, 0), (0, 99)])
def test_loading_a_library_of_an_incompatible_abi_raises(monkeypatch, package_version):
    # The package is pretended to be of another major, or of a newer minor than the library's.
    from plexus import _lib

    path = _lib.lib().path
    monkeypatch.setattr(_lib, "ABI_VERSION_MAJOR", package_version[0])
    monkeypatch.setattr(_lib, "ABI_VERSION_MINOR", package_version[1])
    major, minor = plexus.abi_version()
    with pytest.raises(plexus.PlexusError) as info:
        _lib.Library(path)
    message = str(info.value)
    assert str(path) in message
    assert f"{major}.{minor}" in message
    assert f"{package_version[0]}.{package_version[1]}" in message


def test_loading_a_library_of_a_newer_minor_abi_works(monkeypatch):
    from plexus import _lib

    major, minor = plexus.abi_version()
    monkeypatch.setattr(_lib, "ABI_VERSION_MINOR", minor - 1 if minor else 0)
    library = _lib.Library(_lib.lib().path)
    assert library.px_abi_version() == (major << 16) | minor
