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
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rounds done" in result.stdout
    return log.read_text()


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
    shutil.copy(_lib.library_path(), library)
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
