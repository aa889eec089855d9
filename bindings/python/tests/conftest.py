"""Shared setup: which plexus is imported, and skipping tests whose C exports are missing.

From a checkout, the tests import bindings/python/plexus. With PLEXUS_TEST_INSTALLED=1 (set by
scripts/python-venv-tests.sh) they import the installed package instead, and check that it is
the installed one."""

import os
import sys
from pathlib import Path

import pytest

BINDINGS = Path(__file__).resolve().parents[1]
REPO = BINDINGS.parents[1]

if os.environ.get("PLEXUS_TEST_INSTALLED") != "1":
    sys.path.insert(0, str(BINDINGS))

import plexus  # noqa: E402
from plexus import _lib  # noqa: E402


def _missing(names):
    library = _lib.lib()
    return [name for name in names if not library.has(name)]


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.exports("px_model_fit", ...)`: the test needs these C functions. A missing
    one fails the test with its name, or skips it when PLEXUS_ALLOW_MISSING=1 (while the C
    library is being written)."""
    allow = os.environ.get("PLEXUS_ALLOW_MISSING") == "1"
    for item in items:
        marker = item.get_closest_marker("exports")
        if marker is None:
            continue
        missing = _missing(marker.args)
        if missing and allow:
            item.add_marker(pytest.mark.skip(reason=f"library lacks {', '.join(missing)}"))


def pytest_configure(config):
    config.addinivalue_line("markers", "exports(*names): the C functions a test needs")


@pytest.fixture(autouse=True)
def _seeded_and_backend_restored():
    """Every test starts seeded, and leaves the process's default backend as it found it."""
    library = _lib.lib()
    if library.has("px_config_set_seed"):
        plexus.utils.set_random_seed(1234)
    before = plexus.config.backend() if library.has("px_config_backend") else None
    yield
    if before is not None:
        plexus.config.set_backend(before)
