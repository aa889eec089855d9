"""The package as pip installs it: the in-tree build backend writes a correct wheel with the
library inside, and an installed plexus loads that library."""

import base64
import csv
import hashlib
import importlib.util
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

import plexus

from conftest import BINDINGS, REPO


def _backend():
    spec = importlib.util.spec_from_file_location(
        "plexus_build", BINDINGS / "build_backend" / "plexus_build.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_wheel_packages_the_library_with_a_correct_record(tmp_path, monkeypatch):
    library = plexus.library_path()
    monkeypatch.setenv("PLEXUS_LIBRARY", str(library))
    backend = _backend()
    assert backend.get_requires_for_build_wheel() == []
    name = backend.build_wheel(str(tmp_path))
    assert name.startswith("plexus-") and "-py3-none-" in name and name.endswith(".whl")
    with zipfile.ZipFile(tmp_path / name) as wheel:
        names = set(wheel.namelist())
        assert "plexus/__init__.py" in names and "plexus/models/training.py" in names
        assert wheel.read("plexus/libplexus_c.so") == Path(library).read_bytes()
        dist_info = name.split("-py3")[0] + ".dist-info"
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        assert "Name: plexus" in metadata and "Requires-Dist: numpy" in metadata
        assert "Root-Is-Purelib: false" in wheel.read(f"{dist_info}/WHEEL").decode()
        rows = list(csv.reader(io.StringIO(wheel.read(f"{dist_info}/RECORD").decode())))
        assert {row[0] for row in rows} == names
        for path, digest, size in rows:
            if path.endswith("RECORD"):
                assert digest == "" and size == ""
                continue
            data = wheel.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data)


def test_prepare_metadata(tmp_path):
    backend = _backend()
    name = backend.prepare_metadata_for_build_wheel(str(tmp_path))
    assert (tmp_path / name / "METADATA").read_text().startswith("Metadata-Version: 2.1")


def test_build_without_swift_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("PLEXUS_LIBRARY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no swift here
    with pytest.raises(RuntimeError, match="swift.*PLEXUS_LIBRARY"):
        _backend().build_wheel(str(tmp_path))


def _backend_at(bindings):
    spec = importlib.util.spec_from_file_location(
        "plexus_build_sdist", Path(bindings) / "build_backend" / "plexus_build.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sdist_holds_the_python_package_and_builds_a_wheel_with_plexus_library(
    tmp_path, monkeypatch
):
    backend = _backend()
    assert backend.get_requires_for_build_sdist() == []
    name = backend.build_sdist(str(tmp_path))
    assert name.startswith("plexus-") and name.endswith(".tar.gz")
    base = name[: -len(".tar.gz")]
    with tarfile.open(tmp_path / name) as archive:
        members = set(archive.getnames())
        for required in ("PKG-INFO", "pyproject.toml", "README.md",
                         "build_backend/plexus_build.py", "plexus/__init__.py",
                         "plexus/models/training.py"):  # fmt: skip
            assert f"{base}/{required}" in members, required
        assert not any(m.endswith((".so", ".pyc")) for m in members)
        info = archive.extractfile(f"{base}/PKG-INFO").read().decode()
        assert "Name: plexus" in info and f"Version: {base.split('-', 1)[1]}" in info
        unpacked = tmp_path / "elsewhere"
        archive.extractall(unpacked)
    source = unpacked / base
    sdist_backend = _backend_at(source)
    # Outside the repository there is nothing to build the library from.
    monkeypatch.delenv("PLEXUS_LIBRARY", raising=False)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with pytest.raises(RuntimeError, match="PLEXUS_LIBRARY"):
        sdist_backend.build_wheel(str(wheels))
    assert not list(wheels.iterdir())
    # A relative PLEXUS_LIBRARY is relative to the current directory.
    library = Path(plexus.library_path()).resolve()
    monkeypatch.chdir(library.parent)
    monkeypatch.setenv("PLEXUS_LIBRARY", library.name)
    wheel_name = sdist_backend.build_wheel(str(wheels))
    assert wheel_name.startswith(base + "-py3-none-")
    with zipfile.ZipFile(wheels / wheel_name) as wheel:
        assert wheel.read("plexus/libplexus_c.so") == library.read_bytes()
        assert "plexus/__init__.py" in wheel.namelist()


@pytest.mark.skipif(
    os.environ.get("PLEXUS_TEST_INSTALLED") != "1",
    reason="only for the installed package (scripts/python-venv-tests.sh)",
)
def test_installed_package_loads_its_own_library():
    package = Path(plexus.__file__).resolve().parent
    assert REPO not in package.parents
    assert plexus.library_path() == package / "libplexus_c.so"
    header = (REPO / "include" / "plexus.h").read_text()
    major = int(header.split("#define PX_ABI_VERSION_MAJOR ")[1].split()[0])
    minor = int(header.split("#define PX_ABI_VERSION_MINOR ")[1].split()[0])
    assert plexus.abi_version() == (major, minor)
