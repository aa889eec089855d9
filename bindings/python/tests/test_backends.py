"""Process-wide settings: backends, threads, strict dispatch, seeds."""

import numpy as np
import pytest

import plexus

from helpers import blobs, compiled_mlp

pytestmark = pytest.mark.exports("px_config_set_backend", "px_config_set_seed")

EXPECTED = ["reference", "openblas", "onednn"]


def test_the_builtin_backends_are_listed():
    names = plexus.backends()
    assert names[: len(EXPECTED)] == EXPECTED
    assert plexus.config.backends() == names


@pytest.mark.parametrize("name", EXPECTED)
def test_set_backend_switches_and_trains_alike(name):
    x, y = blobs(samples=96)
    plexus.config.set_backend("reference")
    plexus.utils.set_random_seed(3)
    reference = compiled_mlp().fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    plexus.config.set_backend(name)
    assert plexus.config.backend() == name
    plexus.utils.set_random_seed(3)
    losses = compiled_mlp().fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(losses, reference, rtol=1e-3)


def test_the_same_seed_gives_the_same_run():
    x, y = blobs(samples=64)
    runs = []
    for _ in range(2):
        plexus.utils.set_random_seed(11)
        runs.append(compiled_mlp().fit(x, y, epochs=2, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_threads_and_strict_dispatch_settings():
    threads = plexus.config.threads()
    try:
        plexus.config.set_threads(2)
        assert plexus.config.threads() == 2
    finally:
        plexus.config.set_threads(threads)
    strict = plexus.config.strict_dispatch()
    try:
        plexus.config.set_strict_dispatch(True)
        assert plexus.config.strict_dispatch() is True
    finally:
        plexus.config.set_strict_dispatch(strict)
    with pytest.raises(ValueError, match="threads"):
        plexus.config.set_threads(-1)
