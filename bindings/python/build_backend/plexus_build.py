"""The PEP 517 build backend of bindings/python, standard library only.

`build_wheel` builds the C library with `swift build -c release --product plexus_c` in the
repository root (two levels above bindings/python) — or, when PLEXUS_LIBRARY names a built
libplexus_c.so, packages that file instead — and writes a platform wheel
(py3-none-<platform>: pure Python code plus a shared library that does not link Python)
holding the `plexus` package with libplexus_c.so inside it, so that `import plexus` finds
the library with no environment variable.

    python3 -m venv v && v/bin/pip install ./bindings/python

`build_editable` makes a wheel that points at the source tree (the library is then found in
the repository's .build directories, as from a checkout).

`build_sdist` writes the Python package's source (pyproject.toml, build_backend/, plexus/,
README.md and PKG-INFO). A wheel built from it outside the repository cannot build the C
library: it needs PLEXUS_LIBRARY, the path of a built libplexus_c.so.
"""

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

BINDINGS = Path(__file__).resolve().parents[1]
# <repo>/bindings/python in a checkout; an unpacked sdist has no repository around it.
REPOSITORY = BINDINGS.parents[1] if len(BINDINGS.parents) > 1 else BINDINGS
PACKAGE = "plexus"
LIBRARY = "libplexus_c.so"

__all__ = [
    "build_wheel",
    "build_editable",
    "build_sdist",
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
]


class BuildError(RuntimeError):
    """The build cannot go on; the message says why and what to do."""


# -- project metadata ------------------------------------------------------------------------


def _pyproject():
    text = (BINDINGS / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python < 3.11: the few fields this backend reads
        return _read_project_fields(text)
    return tomllib.loads(text)["project"]


def _read_project_fields(text):
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]
    project = {}
    for key in ("name", "description", "requires-python", "readme"):
        match = re.search(rf'^{key}\s*=\s*"([^"]*)"', section, re.M)
        if match:
            project[key] = match.group(1)
    match = re.search(r"^dependencies\s*=\s*\[([^\]]*)\]", section, re.M)
    project["dependencies"] = re.findall(r'"([^"]+)"', match.group(1)) if match else []
    return project


def _in_repository():
    """Whether bindings/python sits in a Plexus checkout (not in an unpacked sdist)."""
    return (
        not (BINDINGS / "PKG-INFO").is_file()
        and BINDINGS.parent.name == "bindings"
        and (REPOSITORY / "Package.swift").is_file()
    )


def _version():
    """The library's release version (Sources/CABI/Version.swift), PEP 440-normalised; in an
    unpacked sdist, the version its PKG-INFO records."""
    source = REPOSITORY / "Sources" / "CABI" / "Version.swift"
    if _in_repository() and source.is_file():
        match = re.search(r'releaseVersion[^=]*=\s*"([^"]+)"', source.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    info = BINDINGS / "PKG-INFO"
    if info.is_file():
        match = re.search(r"^Version: (\S+)$", info.read_text(encoding="utf-8"), re.M)
        if match:
            return match.group(1)
    return "0.0.0"


def _distribution_name(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata():
    project = _pyproject()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {_version()}",
    ]
    if project.get("description"):
        lines.append(f"Summary: {project['description']}")
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    for dependency in project.get("dependencies", []):
        lines.append(f"Requires-Dist: {dependency}")
    for extra, dependencies in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in dependencies]
    readme = project.get("readme")
    body = ""
    if readme and (BINDINGS / readme).is_file():
        lines.append("Description-Content-Type: text/markdown")
        body = "\n" + (BINDINGS / readme).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n" + body


def _tag():
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"py3-none-{platform}"


def _wheel_file():
    return (
        "Wheel-Version: 1.0\n"
        "Generator: plexus_build\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {_tag()}\n"
    )


def _dist_info():
    return f"{_distribution_name(_pyproject()['name'])}-{_version()}.dist-info"


# -- the library -------------------------------------------------------------------------------


def _library():
    """The libplexus_c.so to package: $PLEXUS_LIBRARY, else a fresh release build."""
    override = os.environ.get("PLEXUS_LIBRARY")
    if override:
        path = Path(override).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path  # relative to where the build was started
        if not path.is_file():
            raise BuildError(f"PLEXUS_LIBRARY is {override} ({path}), which is not a file")
        return path
    if not _in_repository():
        raise BuildError(
            f"cannot build libplexus_c.so: {BINDINGS} is not bindings/python of a Plexus "
            "checkout (an sdist carries only the Python package, not the Swift sources). Set "
            "PLEXUS_LIBRARY to the path of a built libplexus_c.so to package it, or build the "
            "wheel from a checkout of the repository"
        )
    swift = shutil.which("swift")
    if swift is None:
        raise BuildError(
            "cannot build libplexus_c.so: `swift` is not on PATH. Install the Swift toolchain "
            "(https://www.swift.org/install/), or set PLEXUS_LIBRARY to the path of a built "
            "libplexus_c.so to package it instead"
        )
    command = [swift, "build", "-c", "release", "--product", "plexus_c"]
    print(f"plexus_build: {' '.join(command)} (in {REPOSITORY})", file=sys.stderr, flush=True)
    result = subprocess.run(command, cwd=REPOSITORY, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        raise BuildError(f"`{' '.join(command)}` failed with status {result.returncode}")
    bin_path = subprocess.run(
        [swift, "build", "-c", "release", "--show-bin-path"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    path = Path(bin_path) / LIBRARY
    if not path.is_file():
        raise BuildError(f"the build reported success but {path} does not exist")
    return path


# -- writing wheels ------------------------------------------------------------------------------


class _Wheel:
    """A wheel being written: files plus a RECORD of their sha256 digests."""

    def __init__(self, path):
        self.path = path
        self.records = []
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, name, data, executable=False):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o755 if executable else 0o644) << 16
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append(f"{name},sha256={digest},{len(data)}")

    def close(self, dist_info):
        """Writes RECORD (which lists itself without a digest) and closes the archive."""
        record = f"{dist_info}/RECORD"
        self.records.append(f"{record},,")
        info = zipfile.ZipInfo(record, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "\n".join(self.records) + "\n")
        self.zip.close()


def _python_files():
    root = BINDINGS / PACKAGE
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path.relative_to(BINDINGS).as_posix(), path.read_bytes()


def _write_dist_info(wheel, dist_info):
    wheel.add(f"{dist_info}/METADATA", _metadata())
    wheel.add(f"{dist_info}/WHEEL", _wheel_file())
    wheel.add(f"{dist_info}/top_level.txt", f"{PACKAGE}\n")


def _wheel_name():
    return f"{_distribution_name(_pyproject()['name'])}-{_version()}-{_tag()}.whl"


# -- PEP 517 hooks ---------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = Path(metadata_directory) / _dist_info()
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata(), encoding="utf-8")
    (dist_info / "WHEEL").write_text(_wheel_file(), encoding="utf-8")
    (dist_info / "top_level.txt").write_text(f"{PACKAGE}\n", encoding="utf-8")
    return dist_info.name


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Builds (or takes) libplexus_c.so and writes the wheel; returns its file name."""
    library = _library()
    name = _wheel_name()
    wheel = _Wheel(Path(wheel_directory) / name)
    try:
        for archive_name, data in _python_files():
            wheel.add(archive_name, data)
        wheel.add(f"{PACKAGE}/{LIBRARY}", library.read_bytes(), executable=True)
        _write_dist_info(wheel, _dist_info())
        wheel.close(_dist_info())
    except BaseException:
        wheel.zip.close()
        Path(wheel.path).unlink(missing_ok=True)
        raise
    return name


def get_requires_for_build_sdist(config_settings=None):
    return []


def _sdist_files():
    """(archive path under the sdist's top folder, file) for the sdist's sources."""
    yield "pyproject.toml", BINDINGS / "pyproject.toml"
    readme = BINDINGS / "README.md"
    if readme.is_file():
        yield "README.md", readme
    for folder in ("build_backend", PACKAGE):
        for path in sorted((BINDINGS / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path.relative_to(BINDINGS).as_posix(), path


def build_sdist(sdist_directory, config_settings=None):
    """Writes {name}-{version}.tar.gz of the Python package (with PKG-INFO, which records the
    version); returns its file name."""
    base = f"{_distribution_name(_pyproject()['name'])}-{_version()}"
    name = f"{base}.tar.gz"
    path = Path(sdist_directory) / name

    def add(archive, member, data):
        info = tarfile.TarInfo(f"{base}/{member}")
        info.size = len(data)
        info.mtime = 1577836800  # 2020-01-01: reproducible archives
        info.mode = 0o644
        archive.addfile(info, io.BytesIO(data))

    try:
        with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
            add(archive, "PKG-INFO", _metadata().encode("utf-8"))
            for member, source in _sdist_files():
                add(archive, member, source.read_bytes())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """A wheel whose .pth file puts bindings/python on sys.path: edits take effect at once;
    the library is found as from a checkout (PLEXUS_LIBRARY or the repository's .build)."""
    name = _wheel_name()
    wheel = _Wheel(Path(wheel_directory) / name)
    wheel.add(f"__editable__.{PACKAGE}.pth", f"{BINDINGS}\n")
    _write_dist_info(wheel, _dist_info())
    wheel.close(_dist_info())
    return name
