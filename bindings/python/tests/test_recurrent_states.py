"""Recurrent layers with `return_state` and `initial_state` in Python graphs (Keras's
encoder-decoder): Keras's own seq2seq file predicts as Keras did, the same graph built here
takes its weights and predicts alike, and configs and files round-trip."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers as L

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasRecurrent"


def arrays(entries):
    return [np.asarray(e["values"], np.float32).reshape(e["shape"]) for e in entries]


def seq2seq():
    source = plexus.Input(shape=(5, 3), name="source")
    target = plexus.Input(shape=(4, 2), name="target")
    _, h, c = L.LSTM(6, return_state=True, name="encoder")(source)
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    return plexus.Model([source, target], [L.Dense(2, name="out")(decoded), h],
                        name="seq2seq_model")  # fmt: skip


def test_kerass_seq2seq_file_predicts_as_keras_and_a_python_built_twin_matches_it(tmp_path):
    record = json.loads((FIXTURES / "seq2seq_model.json").read_text())
    inputs, expected = arrays(record["inputs"]), arrays(record["outputs"])
    loaded = plexus.saving.load_model(str(FIXTURES / "seq2seq_model.keras"))
    for got, want in zip(loaded.predict(inputs, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    twin = seq2seq()
    twin.set_weights(loaded.get_weights())
    for got, want in zip(twin.predict(inputs, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The nodes are written as Keras writes them: the states by tensor index, as a keyword.
    layers = {entry["name"]: entry for entry in twin.get_config()["layers"]}
    states = layers["decoder"]["inbound_nodes"][0]["kwargs"]["initial_state"]
    assert [s["config"]["keras_history"] for s in states] == [["encoder", 0, 1],
                                                              ["encoder", 0, 2]]
    assert twin.get_config()["output_layers"] == [["out", 0, 0], ["encoder", 0, 1]]
    path = tmp_path / "twin.keras"
    twin.save(str(path))
    again = plexus.saving.load_model(str(path))
    for got, want in zip(again.predict(inputs, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_eager_calls_return_the_states_and_take_them():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    encoder = L.GRU(4, return_state=True)
    output, state = encoder(x)
    assert np.asarray(output).shape == (2, 4) and np.asarray(state).shape == (2, 4)
    # A GRU's last output is its final state.
    np.testing.assert_allclose(np.asarray(output), np.asarray(state), rtol=1e-6)
    decoder = L.GRU(4, return_sequences=True)
    started = np.asarray(decoder(x, initial_state=[np.asarray(state)]))
    from_zeros = np.asarray(decoder(x))
    assert started.shape == (2, 5, 4)
    assert not np.allclose(started, from_zeros)


def test_training_reaches_the_encoder_through_the_states():
    model = seq2seq()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    x = [rng.normal(size=(16, 5, 3)).astype(np.float32),
         rng.normal(size=(16, 4, 2)).astype(np.float32)]  # fmt: skip
    y = [rng.normal(size=(16, 4, 2)).astype(np.float32), np.zeros((16, 6), np.float32)]
    encoder = model.get_layer("encoder")
    before = [w.copy() for w in encoder.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert any(not np.array_equal(a, b) for a, b in zip(before, encoder.get_weights()))


def test_wrong_states_are_refused():
    source = plexus.Input(shape=(5, 3))
    h = L.Dense(6)(plexus.Input(shape=(2,)))
    with pytest.raises(ValueError, match="initial_state holds 1"):
        L.LSTM(6)(source, initial_state=[h])
    with pytest.raises(TypeError, match="symbolic and concrete"):
        L.GRU(6)(source, initial_state=[np.zeros((1, 6), np.float32)])


def bidirectional_seq2seq():
    source = plexus.Input(shape=(5, 3), name="source")
    target = plexus.Input(shape=(4, 2), name="target")
    _, fh, fc, bh, bc = L.Bidirectional(L.LSTM(3, return_state=True), name="encoder")(source)
    h = L.Concatenate(name="h")([fh, bh])
    c = L.Concatenate(name="c")([fc, bc])
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    forward, backward = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=None,
                                        name="apart")(target, initial_state=[fh, fc, bh, bc])
    joined = L.Concatenate(name="joined")([decoded, forward, backward])
    return plexus.Model([source, target], [L.Dense(2, name="out")(joined), bh],
                        name="bidirectional_seq2seq_model")  # fmt: skip


def test_bidirectional_states_match_kerass_file(tmp_path):
    record = json.loads((FIXTURES / "bidirectional_seq2seq_model.json").read_text())
    inputs, expected = arrays(record["inputs"]), arrays(record["outputs"])
    loaded = plexus.saving.load_model(str(FIXTURES / "bidirectional_seq2seq_model.keras"))
    for got, want in zip(loaded.predict(inputs, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    twin = bidirectional_seq2seq()
    twin.set_weights(loaded.get_weights())
    for got, want in zip(twin.predict(inputs, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    path = tmp_path / "twin.keras"
    twin.save(str(path))
    for got, want in zip(plexus.saving.load_model(str(path)).predict(inputs, verbose=0),
                         expected):  # fmt: skip
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_bidirectional_eager_calls_give_both_directions_and_states():
    x = np.random.default_rng(3).normal(size=(2, 5, 3)).astype(np.float32)
    layer = L.Bidirectional(L.GRU(4, return_sequences=True, return_state=True), merge_mode=None)
    forward, backward, forward_h, backward_h = [np.asarray(t) for t in layer(x)]
    assert forward.shape == backward.shape == (2, 5, 4)
    # The forward direction ends at the last step, the backward one (put back in time order)
    # at the first.
    np.testing.assert_allclose(forward[:, -1], forward_h, rtol=1e-6)
    np.testing.assert_allclose(backward[:, 0], backward_h, rtol=1e-6)
    with pytest.raises(ValueError, match="initial_state holds 1"):
        layer(x, initial_state=[forward_h])
