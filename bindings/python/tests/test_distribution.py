"""`plexus.distribution`: DataParallel in this process (one process, MPI not loaded), and the
same script under `mpirun -np 2`: both ranks end with the same weights, close to one process
training on the whole batch; a rank that raises stops the other with an error naming it.
Skipped where Open MPI's mpirun is missing (apt-get install openmpi-bin libopenmpi-dev)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import plexus as keras
from plexus import layers

from conftest import BINDINGS

SCRIPT = r"""
import sys
import numpy as np
import plexus as keras
from plexus import layers

out, fail_rank = sys.argv[1], int(sys.argv[2])
distribution = keras.distribution.DataParallel()
keras.distribution.set_distribution(distribution)
keras.config.set_backend("reference")
keras.utils.set_random_seed(3)
rows = np.arange(64, dtype=np.float32)[:, None]
x = np.sin(0.37 * rows + 1.3 * np.arange(6, dtype=np.float32)[None, :]).astype(np.float32)
y = (x[:, 0] + x[:, 1] > x[:, 2]).astype(np.int32)
model = keras.Sequential([layers.Input(shape=(6,)), layers.Dense(8, activation="relu"),
                          layers.Dense(2)])
model.compile(optimizer=keras.optimizers.Adam(0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])


class Fail(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if distribution.rank == fail_rank and batch == 2:
            raise RuntimeError(f"planted failure on rank {distribution.rank}")


logger = keras.callbacks.CSVLogger(f"{out}/log-{distribution.rank}.csv")
history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[Fail(), logger])
weights = np.concatenate([np.asarray(w).ravel() for w in model.get_weights()])
np.save(f"{out}/rank-{distribution.rank}.npy", weights)
np.save(f"{out}/loss-{distribution.rank}.npy", np.array(history.history["loss"]))
# One line per rank, written whole (two ranks' print() calls may interleave their pieces).
sys.stdout.write(f"rank {distribution.rank}: processes {distribution.num_processes}\n")
sys.stdout.flush()
"""


def _mpirun(ranks, tmp_path, fail_rank=-1):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    flags = ["-np", str(ranks), "--oversubscribe", "--bind-to", "none", "--mca",
             "btl_vader_single_copy_mechanism", "none", "-x", "PYTHONPATH", "-x",
             "OMP_NUM_THREADS=1"]  # fmt: skip
    if os.getuid() == 0:
        flags.append("--allow-run-as-root")
    environment = dict(os.environ)
    if os.environ.get("PLEXUS_TEST_INSTALLED") != "1":
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(BINDINGS), environment.get("PYTHONPATH", "")])
    else:
        environment.setdefault("PYTHONPATH", "")
    start = time.monotonic()
    process = subprocess.Popen(
        [shutil.which("mpirun"), *flags, sys.executable, str(script), str(tmp_path),
         str(fail_rank)],  # fmt: skip
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # mpirun and every rank: a killed mpirun alone would leave the ranks spinning.
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done, time.monotonic() - start


mpi = pytest.mark.skipif(
    shutil.which("mpirun") is None,
    reason="Open MPI's mpirun is missing (apt-get install openmpi-bin libopenmpi-dev)")


@pytest.mark.exports("px_distribution_world", "px_distribution_set_data_parallel")
def test_outside_mpirun_it_is_one_process():
    distribution = keras.distribution.DataParallel()
    assert (distribution.rank, distribution.num_processes, distribution.is_chief) == (0, 1, True)
    assert keras.distribution.distribution() is None
    with distribution.scope():
        assert keras.distribution.distribution() is distribution
        model = keras.Sequential([layers.Input(shape=(3,)), layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(np.ones((8, 3), np.float32), np.zeros((8, 2), np.float32),
                            batch_size=4, epochs=2, verbose=0)
        assert len(history.history["loss"]) == 2
    assert keras.distribution.distribution() is None


@pytest.mark.parametrize("value", [0, 1023, 2**29 + 1, -1])
def test_a_bucket_outside_its_range_is_refused(value):
    with pytest.raises(ValueError, match="bucket_bytes must be 1024 to 2"):
        keras.distribution.DataParallel(bucket_bytes=value)
    with pytest.raises(TypeError, match="bucket_bytes must be an int"):
        keras.distribution.DataParallel(bucket_bytes=4096.0)
    with pytest.raises(TypeError, match="set_distribution takes a DataParallel"):
        keras.distribution.set_distribution("data_parallel")


@mpi
def test_two_ranks_end_with_the_same_weights_as_one_process_on_the_whole_batch(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    done, _ = _mpirun(1, one)
    assert done.returncode == 0, done.stdout + done.stderr
    two = tmp_path / "two"
    two.mkdir()
    done, _ = _mpirun(2, two)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rank 0: processes 2" in done.stdout and "rank 1: processes 2" in done.stdout
    # Process 0 alone writes the CSV log.
    assert (two / "log-0.csv").exists() and not (two / "log-1.csv").exists()
    ranks = [np.load(two / f"rank-{rank}.npy") for rank in range(2)]
    assert np.array_equal(ranks[0], ranks[1])
    single = np.load(one / "rank-0.npy")
    np.testing.assert_allclose(ranks[0], single, rtol=1e-4, atol=1e-5)
    assert not np.allclose(single, 0)
    np.testing.assert_allclose(np.load(two / "loss-0.npy"), np.load(one / "loss-0.npy"),
                               rtol=1e-4)


@mpi
def test_a_rank_that_raises_stops_the_other_naming_it(tmp_path):
    done, seconds = _mpirun(2, tmp_path, fail_rank=1)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "planted failure on rank 1" in output
    assert "rank 1 of 2 failed" in output, output
    assert seconds < 30
