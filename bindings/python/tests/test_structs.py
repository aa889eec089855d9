"""The ctypes mirrors in plexus._lib against include/plexus.h: struct sizes and field offsets
(measured by a C program compiled against the header), constants, and one declared signature
per function of the header."""

import ctypes
import re
import shutil
import subprocess

import pytest

from plexus import _lib, errors

from conftest import REPO

HEADER = REPO / "include" / "plexus.h"

# (C type name, ctypes mirror)
STRUCTS = [
    ("px_progress_event", _lib.ProgressEvent),
    ("px_fit_options", _lib.FitOptions),
    ("px_dataset", _lib.Dataset),
    ("DLPackVersion", _lib.DLPackVersion),
    ("DLDevice", _lib.DLDevice),
    ("DLDataType", _lib.DLDataType),
    ("DLTensor", _lib.DLTensor),
    ("DLManagedTensor", _lib.DLManagedTensor),
    ("struct DLManagedTensorVersioned", _lib.DLManagedTensorVersioned),
]


@pytest.fixture(scope="module")
def c_layout(tmp_path_factory):
    """{"type": size, "type.field": offset} as the C compiler lays them out."""
    compiler = shutil.which("gcc") or shutil.which("cc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler (gcc) to measure the C structs with")
    lines = ["#include <stdio.h>", "#include <stddef.h>", '#include "plexus.h"', "int main(void) {"]
    for c_name, mirror in STRUCTS:
        lines.append(f'  printf("{c_name} %zu\\n", sizeof({c_name}));')
        for field, _ in mirror._fields_:
            lines.append(
                f'  printf("{c_name}.{field} %zu\\n", offsetof({c_name}, {field}));'
            )
    lines += ["  return 0;", "}"]
    directory = tmp_path_factory.mktemp("layout")
    source, program = directory / "layout.c", directory / "layout"
    source.write_text("\n".join(lines) + "\n")
    subprocess.run(
        [compiler, "-std=c99", "-I", str(REPO / "include"), str(source), "-o", str(program)],
        check=True,
        capture_output=True,
    )
    output = subprocess.run([str(program)], check=True, capture_output=True, text=True).stdout
    return {key: int(value) for key, value in (line.rsplit(" ", 1) for line in output.splitlines())}


@pytest.mark.parametrize("c_name, mirror", STRUCTS, ids=[name for name, _ in STRUCTS])
def test_struct_size_and_offsets_match_c(c_layout, c_name, mirror):
    assert ctypes.sizeof(mirror) == c_layout[c_name]
    for field, _ in mirror._fields_:
        assert getattr(mirror, field).offset == c_layout[f"{c_name}.{field}"], field


def _header_macros(prefix):
    text = HEADER.read_text()
    pattern = rf"^#define ({prefix}\w+) (\d+)$"
    return {m.group(1): int(m.group(2)) for m in re.finditer(pattern, text, re.M)}


def test_constants_match_header():
    macros = _header_macros("PX_")
    checked = 0
    for name, value in macros.items():
        short = name[len("PX_"):]
        if short.startswith("STATUS_"):
            assert getattr(errors, short) == value, name
        else:
            assert getattr(_lib, short) == value, name
        checked += 1
    assert checked >= 30


def _header_functions():
    """name -> parameter count for every PX_API function of the header."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    result = {}
    pattern = r"PX_API\s+(?:PX_NODISCARD\s+)?[^;(]*?\b(px_\w+)\s*\(([^)]*)\)\s*;"
    for match in re.finditer(pattern, text):
        parameters = match.group(2).strip()
        result[match.group(1)] = 0 if parameters in ("", "void") else parameters.count(",") + 1
    return result


def test_every_header_function_is_declared_with_its_parameter_count():
    functions = _header_functions()
    assert len(functions) >= 58
    assert set(functions) == set(_lib.SIGNATURES)
    for name, count in functions.items():
        assert len(_lib.SIGNATURES[name][1]) == count, name


# The ctypes type each C type of plexus.h is declared with: (base type, pointer depth) -> ctypes.
_HANDLES = {"px_tensor", "px_model", "px_layer", "px_logs", "px_metric", "DLManagedTensor",
            "DLManagedTensorVersioned"}  # fmt: skip
_SCALARS = {
    "int32_t": ctypes.c_int32,
    "uint32_t": ctypes.c_uint32,
    "int64_t": ctypes.c_int64,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "double": ctypes.c_double,
    "px_status": ctypes.c_int32,
}


def _ctypes_of(declaration):
    """The ctypes type for a C parameter or return type ("const px_tensor *const *x")."""
    words = declaration.replace("*", " * ").split()
    words = [w for w in words if w not in ("const", "struct")]
    depth = words.count("*")
    names = [w for w in words if w != "*"]
    base = names[0]  # the rest, if any, is the parameter's name
    if base == "void" and depth == 0:
        return None
    if base == "px_deleter":
        return _lib.TENSOR_DELETER
    if base == "px_progress_fn":
        return _lib.PROGRESS_FN
    if base == "px_dataset_batch_fn":
        return _lib.DATASET_BATCH_FN
    if base == "px_dataset_epoch_fn":
        return _lib.DATASET_EPOCH_FN
    if base == "px_fit_options":
        inner = _lib.FitOptions
    elif base == "px_dataset":
        inner = _lib.Dataset
    elif base == "char":
        inner, depth = ctypes.c_char_p, depth - 1
    elif base == "void" or base in _HANDLES:
        inner, depth = ctypes.c_void_p, depth - 1
    else:
        inner = _SCALARS[base]
    for _ in range(depth):
        inner = ctypes.POINTER(inner)
    return inner


def _header_signatures():
    """name -> (return ctypes type, [parameter ctypes types]) for every PX_API function."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    result = {}
    pattern = r"PX_API\s+(?:PX_NODISCARD\s+)?([^;(]*?)\b(px_\w+)\s*\(([^)]*)\)\s*;"
    for match in re.finditer(pattern, text):
        parameters = match.group(3).strip()
        declared = [] if parameters in ("", "void") else parameters.split(",")
        result[match.group(2)] = (
            _ctypes_of(match.group(1)),
            [_ctypes_of(parameter) for parameter in declared],
        )
    return result


def test_every_header_function_is_declared_with_its_c_types():
    signatures = _header_signatures()
    assert set(signatures) == set(_lib.SIGNATURES)
    for name, (restype, argtypes) in signatures.items():
        declared_restype, declared_argtypes = _lib.SIGNATURES[name]
        assert declared_restype is restype, name
        assert len(declared_argtypes) == len(argtypes), name
        for index, (ours, header) in enumerate(zip(declared_argtypes, argtypes)):
            assert ours is header, f"{name} parameter {index}: {ours} is not {header}"
