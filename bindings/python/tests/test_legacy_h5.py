"""Legacy `.h5` files from Python (Tests/Fixtures/KerasLegacyH5, written by Keras 3 and by
Keras 2's tf_keras): `load_model` gives a compiled model that predicts what Keras predicted,
Keras 2's `save_weights` files load into a model built here, and bad files are errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLegacyH5"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def record(name):
    value = json.loads((FIXTURES / f"{name}.json").read_text())
    arrays = [[np.asarray(e["values"], np.float32).reshape(e["shape"]) for e in value[key]]
              for key in ("inputs", "outputs")]  # fmt: skip
    return arrays


def check_predictions(model, name):
    inputs, expected = record(name)
    got = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    got = got if isinstance(got, (list, tuple)) else [got]
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_every_case_is_found():
    assert len(CASES) == 8


@pytest.mark.parametrize("name", CASES)
def test_load_model_predicts_what_keras_predicted(name):
    model = plexus.saving.load_model(FIXTURES / f"{name}.h5")
    check_predictions(model, name)
    assert model.compiled
    kind = name.split("_", 1)[1]
    expected = {"mlp": "Adam", "two_io": "RMSprop", "cnn": "SGD", "lstm": "Adam"}[kind]
    assert type(model.optimizer).__name__ == expected
    # It trains on from there.
    inputs, outputs = record(name)
    if kind in ("cnn", "lstm"):
        targets = np.zeros((len(inputs[0]),), "int32") if kind == "cnn" else outputs[0]
        model.fit(inputs[0], targets, epochs=1, verbose=0)


def test_keras2_save_weights_load_into_a_model_built_here():
    model = plexus.Sequential([
        plexus.Input(shape=(6,)), layers.Dense(8, activation="relu"),
        layers.BatchNormalization(), layers.Dropout(0.2), layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.load_weights(FIXTURES / "keras2_mlp_weights.h5")
    check_predictions(model, "keras2_mlp")


def test_bad_files_are_errors(tmp_path):
    with pytest.raises(plexus.PlexusError, match="model_config"):
        plexus.saving.load_model(FIXTURES / "keras2_mlp_weights.h5")
    broken = tmp_path / "broken.h5"
    broken.write_bytes((FIXTURES / "keras3_mlp.h5").read_bytes()[:2000])
    with pytest.raises(plexus.PlexusError):
        plexus.saving.load_model(broken)
    other = plexus.Sequential([plexus.Input(shape=(6,)), layers.Dense(3)])
    with pytest.raises(plexus.PlexusError, match="weights for 3 layers"):
        other.load_weights(FIXTURES / "keras2_mlp_weights.h5")
