"""`.keras` files and `.weights.h5` files from Python: model.save, plexus.saving.load_model,
save_weights / load_weights, and the errors of bad files."""

import numpy as np
import pytest

import plexus
from helpers import blobs, compiled_mlp, tower_data, two_towers

pytestmark = pytest.mark.exports(
    "px_model_save", "px_model_load", "px_model_save_weights", "px_model_load_weights"
)


def test_save_and_load_model_predicts_and_trains_on_the_same(tmp_path):
    x, y = blobs()
    model = compiled_mlp()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0, shuffle=False)
    path = tmp_path / "mlp.keras"
    model.save(path)
    restored = plexus.saving.load_model(path)
    assert restored.to_json() == model.to_json()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    # the optimizer's state came back: one more epoch each gives the same weights
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    restored.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    for mine, theirs in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert plexus.models.load_model(str(path), compile=False).to_json() is not None


def test_functional_model_with_two_outputs_round_trips(tmp_path):
    model = two_towers()
    model.compile(optimizer="adam", loss="mse")
    inputs, targets = tower_data()
    model.fit(inputs, targets, epochs=1, verbose=0)
    path = tmp_path / "towers.keras"
    model.save(path)
    restored = plexus.saving.load_model(path)
    for mine, theirs in zip(model.predict(inputs, verbose=0), restored.predict(inputs, verbose=0)):
        np.testing.assert_array_equal(mine, theirs)


def test_weights_file_round_trip_and_mismatch(tmp_path):
    x, y = blobs()
    model = compiled_mlp()
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "mlp.weights.h5"
    model.save_weights(path)
    other = compiled_mlp()
    other.predict(x[:1], verbose=0)
    other.load_weights(path)
    for mine, theirs in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    with pytest.raises(FileExistsError):
        model.save_weights(path, overwrite=False)


def test_bad_files_raise_clear_errors(tmp_path):
    model = compiled_mlp()
    with pytest.raises(plexus.InvalidArgumentError, match=r"\.keras"):
        model.save(tmp_path / "model.h5")
    with pytest.raises(plexus.PlexusIOError, match="does not exist"):
        model.save(tmp_path / "missing" / "model.keras")
    with pytest.raises(plexus.PlexusIOError):
        plexus.saving.load_model(tmp_path / "none.keras")
    junk = tmp_path / "junk.keras"
    junk.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(plexus.InvalidArgumentError, match="zip"):
        plexus.saving.load_model(junk)


def test_one_loss_per_output_compiles_trains_and_survives_a_file(tmp_path):
    model = two_towers()
    model.compile(optimizer="adam", loss=["mse", plexus.losses.Huber(delta=0.5)])
    inputs, targets = tower_data()
    history = model.fit(inputs, targets, epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "two.keras")
    restored = plexus.saving.load_model(tmp_path / "two.keras")
    for mine, theirs in zip(model.predict(inputs, verbose=0), restored.predict(inputs, verbose=0)):
        np.testing.assert_array_equal(mine, theirs)
    by_name = two_towers()
    by_name.compile(optimizer="adam", loss={"first": "mse", "second": "mae"})
    by_name.fit(inputs, targets, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="one entry per output"):
        two_towers().compile(optimizer="adam", loss={"first": "mse"})
    with pytest.raises(plexus.InvalidArgumentError, match="2 outputs"):
        two_towers().compile(optimizer="adam", loss=["mse", "mae", "mse"])


def test_a_keras_file_with_masks_loads_and_predicts_what_keras_predicted():
    """Keras saves the masks it computes (Embedding's mask_zero) as op nodes and mask
    arguments; the model loads, and the mask reaches the GRU, as in Keras."""
    import json
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasMasks"
    record = json.loads((fixtures / "embedding_gru_last.json").read_text())
    x = np.array(record["x"]["values"], dtype=np.int32).reshape(record["x"]["shape"])
    model = plexus.saving.load_model(str(fixtures / "embedding_gru_last.keras"))
    expected = np.array(record["prediction"]["values"]).reshape(record["prediction"]["shape"])
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
