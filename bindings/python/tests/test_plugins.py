"""Backend plugins from Python: `plexus.backends.load(path)`, selecting the plugin, the dispatch
counters, and plugins that fail to load.

The BLIS plugin the package builds is found through PLEXUS_TEST_BLIS_PLUGIN (scripts set it), or
beside the library a checkout's tests load. The broken plugins are the C test plugins of
Tests/PluginsTests/Plugins, compiled here with the system C compiler."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import plexus

from helpers import blobs, compiled_mlp

pytestmark = pytest.mark.exports("px_backend_load", "px_backend_load_failure", "px_dispatch_count")

REPO = Path(__file__).resolve().parents[3]


def _blis_plugin():
    candidates = [os.environ.get("PLEXUS_TEST_BLIS_PLUGIN", "")]
    candidates.append(str(Path(plexus.library_path()).with_name("libpx_blis.so")))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("no BLIS plugin: set PLEXUS_TEST_BLIS_PLUGIN to libpx_blis.so (swift build)")


def _compiled(name, tmp_path):
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler builds the test plugins"
    source = REPO / "Tests" / "PluginsTests" / "Plugins" / f"{name}.c"
    output = tmp_path / f"libpx_{name}.so"
    subprocess.run(
        [compiler, "-std=c99", "-shared", "-fPIC", "-fvisibility=hidden",
         f"-I{REPO / 'include'}", str(source), "-o", str(output)],
        check=True,
    )  # fmt: skip
    return str(output)


@pytest.fixture(autouse=True)
def _default_backend():
    previous = plexus.config.backend()
    yield
    plexus.config.set_backend(previous)


def test_the_blis_plugin_loads_and_products_run_in_it():
    name = plexus.backends.load(_blis_plugin())
    assert name == "blis"
    assert "blis" in plexus.backends()
    assert "blis" in plexus.backends.names()
    plexus.config.set_backend("blis")
    plexus.backends.reset_dispatch_counts()
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.ones((3, 4), dtype=np.float32)
    product = plexus.ops.matmul(a, b)
    np.testing.assert_array_equal(plexus.convert_to_numpy(product), a @ b)
    assert plexus.backends.dispatch_count("blis", "matmul") == 1
    assert plexus.backends.fallback_count("blis", "matmul") == 0


def test_an_mlp_trains_through_the_blis_plugin_like_the_reference():
    plexus.backends.load(_blis_plugin(), name="blis_mlp")
    x, y = blobs(samples=128)
    plexus.config.set_backend("reference")
    plexus.utils.set_random_seed(5)
    expected = compiled_mlp().fit(x, y, epochs=3, shuffle=False, verbose=0).history["loss"]
    plexus.config.set_backend("blis_mlp")
    plexus.backends.reset_dispatch_counts()
    plexus.utils.set_random_seed(5)
    model = compiled_mlp()
    losses = model.fit(x, y, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(losses, expected, rtol=1e-4)
    assert losses[-1] < losses[0]
    assert plexus.backends.dispatch_count("blis_mlp", "dense") > 0
    assert plexus.backends.dispatch_count("blis_mlp", "matmul") > 0
    _, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.8


@pytest.mark.parametrize(
    "plugin, reason",
    [("wrong_major", "plugin ABI 2."), ("failing_init", "the device is not present"),
     ("declines", "this host is too old for me")],
)  # fmt: skip
def test_a_broken_plugin_raises_why_and_leaves_the_process_working(plugin, reason, tmp_path):
    path = _compiled(plugin, tmp_path)
    name = f"broken_{plugin}"
    with pytest.raises(plexus.PlexusIOError, match=reason):
        plexus.backends.load(path, name=name)
    assert reason in plexus.backends.load_failure(name)
    assert name not in plexus.backends()
    with pytest.raises(plexus.PlexusIOError, match=reason):
        plexus.config.set_backend(name)
    total = plexus.ops.add(np.float32([1, 2]), np.float32([3, 4]))
    np.testing.assert_array_equal(plexus.convert_to_numpy(total), [4, 6])


def test_loading_something_that_is_not_a_plugin_says_so():
    with pytest.raises(plexus.PlexusIOError, match="does-not-exist"):
        plexus.backends.load("/nonexistent/does-not-exist.so")
    with pytest.raises(plexus.PlexusIOError, match="px_plugin_entry"):
        plexus.backends.load("libm.so.6", name="libm")
    with pytest.raises(plexus.InvalidArgumentError, match="built-in"):
        plexus.backends.load(_blis_plugin(), name="reference")
    assert plexus.backends.load_failure("never_loaded") is None


def test_dispatch_counts_reject_unknown_names():
    with pytest.raises(plexus.InvalidArgumentError, match="no_such_backend"):
        plexus.backends.dispatch_count("no_such_backend")
    with pytest.raises(plexus.InvalidArgumentError, match="no_such_op"):
        plexus.backends.dispatch_count("reference", "no_such_op")
