"""DLPack exchange with NumPy under valgrind: memory shared both ways, each side outliving the
other, and no leak or invalid access in Plexus's library.

The round trips run in a child Python under memcheck, twice: 5 and 40 rounds. Python and NumPy
keep one-time allocations valgrind reports as lost, so the test asserts what is Plexus's: no
error and no lost block with a Plexus frame in its stack, and lost bytes that do not grow with
the number of rounds. Skipped when valgrind is not installed."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plexus import _lib

pytestmark = pytest.mark.exports("px_tensor_to_dlpack", "px_tensor_from_dlpack")

ROUNDS_SCRIPT = r"""
import gc, sys
import numpy as np
import plexus
for _ in range(int(sys.argv[1])):
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    address = array.__array_interface__["data"][0]
    tensor = plexus.from_dlpack(array)        # Plexus over NumPy's memory
    back = np.from_dlpack(tensor)             # NumPy over the same memory, through Plexus
    assert back.__array_interface__["data"][0] == address
    del array, tensor                         # the last view outlives both
    assert float(back.sum()) == 66.0
    del back
    made = plexus.ops.add(plexus.convert_to_tensor(np.ones((64, 64), np.float32)), 1.0)
    view = np.from_dlpack(made)               # NumPy over Plexus's memory
    del made                                  # the array outlives the tensor
    assert float(view[63, 63]) == 2.0
    del view
    gc.collect()
print("rounds done")
"""


def _memcheck(library, rounds, tmp_path):
    log = tmp_path / f"memcheck-{rounds}.log"
    script = tmp_path / "rounds.py"
    script.write_text(ROUNDS_SCRIPT)
    package_root = Path(_lib.__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONMALLOC="malloc", PLEXUS_LIBRARY=str(library),
               PYTHONPATH=str(package_root), PLEXUS_BACKEND="reference",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")  # fmt: skip
    command = ["valgrind", "--leak-check=full", f"--log-file={log}", "--num-callers=40",
               sys.executable, str(script), str(rounds)]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    text = log.read_text() if log.exists() else ""
    if "unhandled instruction" in text.lower():
        # e.g. valgrind 3.19 on AVX-512 code of a `-target-cpu native` build: a limit of this
        # valgrind on this machine, not a fault of the library.
        detail = next(
            (line for line in text.splitlines() if "unhandled instruction" in line.lower()), ""
        )
        pytest.skip(
            f"valgrind cannot run {library} on this machine (it stops on instructions it does "
            f"not know: {detail.strip()}); build the library without -target-cpu native or use "
            "a newer valgrind"
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rounds done" in result.stdout
    return log.read_text()


def _library_under_test(loaded, repo):
    """The library to run under valgrind: the loaded one, except that a release build (often
    `-target-cpu native`, whose AVX-512 code older valgrinds cannot decode) gives way to the
    checkout's debug build when there is one."""
    loaded = Path(loaded)
    debug = Path(repo) / ".build" / "debug" / _lib.LIBRARY_NAME
    if "release" in loaded.parts and debug.is_file():
        return debug
    return loaded


def _records(text):
    """valgrind's error and leak records: each a list of lines."""
    records, current = [], []
    for line in text.splitlines():
        body = re.sub(r"^==\d+== ?", "", line)
        if not body.strip():
            if current:
                records.append(current)
            current = []
        else:
            current.append(body)
    if current:
        records.append(current)
    return records


def _ours(record):
    return any("plexus" in line.lower() or "swift" in line.lower() for line in record[1:])


def _definitely_lost(text):
    match = re.search(r"definitely lost: ([\d,]+) bytes", text)
    return int(match.group(1).replace(",", "")) if match else 0


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_dlpack_round_trips_leak_nothing_and_touch_no_freed_memory(tmp_path):
    # Debian's valgrind reads Swift's debug info badly: give it a copy without it.
    library = tmp_path / "libplexus_c.so"
    shutil.copy(_library_under_test(_lib.lib().path, _lib._REPO_ROOT), library)
    if shutil.which("objcopy"):
        subprocess.run(["objcopy", "--strip-debug", str(library)], check=True)
    few = _memcheck(library, 5, tmp_path)
    many = _memcheck(library, 40, tmp_path)
    for text in (few, many):
        problems = [
            "\n".join(record)
            for record in _records(text)
            if _ours(record)
            and (record[0].startswith(("Invalid", "Conditional", "Use of uninitialised"))
                 or "definitely lost" in record[0])
        ]  # fmt: skip
        assert not problems, "\n\n".join(problems[:3])
    # Python's own one-time allocations are the same at 5 and 40 rounds; a leak per round is not.
    assert _definitely_lost(many) - _definitely_lost(few) < 1024


def test_a_release_library_gives_way_to_the_checkouts_debug_build(tmp_path):
    release = tmp_path / ".build" / "x86_64-unknown-linux-gnu" / "release" / _lib.LIBRARY_NAME
    debug = tmp_path / ".build" / "debug" / _lib.LIBRARY_NAME
    release.parent.mkdir(parents=True)
    release.write_bytes(b"")
    assert _library_under_test(release, tmp_path) == release  # no debug build: keep it
    debug.parent.mkdir(parents=True)
    debug.write_bytes(b"")
    assert _library_under_test(release, tmp_path) == debug
    installed = tmp_path / "site-packages" / "plexus" / _lib.LIBRARY_NAME
    assert _library_under_test(installed, tmp_path) == installed


def test_valgrind_stopping_on_unknown_instructions_skips(tmp_path, monkeypatch):
    def fake_run(command, **kwargs):
        log = next(arg for arg in command if arg.startswith("--log-file="))
        Path(log.split("=", 1)[1]).write_text(
            "==1== valgrind: Unrecognised instruction at address 0x4b1e2c0.\n"
            "vex amd64->IR: unhandled instruction bytes: 0x62 0xF1 0x7C 0x48\n"
        )
        return subprocess.CompletedProcess(command, 132, "", "Illegal instruction")

    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(pytest.skip.Exception, match="unhandled instruction bytes"):
        _memcheck(tmp_path / _lib.LIBRARY_NAME, 5, tmp_path)
