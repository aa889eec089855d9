"""Attention and AdditiveAttention from Python: Keras's constructors, calls and node configs,
the values against Keras's fixtures and a file Keras saved, and clear errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures"
CASES = ["attention_dot", "attention_scale_key", "attention_concat", "attention_concat_scale",
         "additive_attention", "additive_attention_no_scale_key"]  # fmt: skip


def values(entry):
    return np.asarray(entry["values"], np.float64).reshape(entry["shape"])


@pytest.mark.parametrize("case", CASES)
def test_eager_calls_match_keras(case):
    fixture = json.loads((FIXTURES / "KerasLayers2" / f"{case}.json").read_text())
    layer = layers.deserialize(fixture["layer"])
    assert layer.get_config() == fixture["layer"]["config"]
    inputs = [values(x).astype("float32") for x in fixture["inputs"]]
    layer.build([(None, *x.shape[1:]) for x in inputs])
    layer.set_weights([values(fixture["weights"][name]) for name in fixture["weight_order"]])
    got = np.asarray(layer(inputs))
    expected = values(fixture["output"])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def numpy_attention(query, value, scale=None, causal=False):
    scores = query @ np.swapaxes(value, -1, -2)
    if scale is not None:
        scores = scores * scale
    if causal:
        scores = np.where(np.tril(np.ones(scores.shape[-2:], bool)), scores, scores - 1e9)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ value, weights


def test_a_functional_model_records_the_options_and_returns_the_scores():
    rng = np.random.default_rng(0)
    q_in, v_in = plexus.Input(shape=(4, 3)), plexus.Input(shape=(5, 3))
    attention = layers.Attention(use_scale=True, name="att")
    output, scores = attention([q_in, v_in], use_causal_mask=True, return_attention_scores=True)
    assert tuple(scores.shape) == (None, 4, 5)
    model = plexus.Model([q_in, v_in], [output, scores])
    entry = next(e for e in model.get_config()["layers"] if e["name"] == "att")
    (node,) = entry["inbound_nodes"]
    assert len(node["args"]) == 1 and len(node["args"][0]) == 2
    assert node["kwargs"] == {"use_causal_mask": True, "return_attention_scores": True}
    query = rng.standard_normal((2, 4, 3)).astype("float32")
    value = rng.standard_normal((2, 5, 3)).astype("float32")
    got, got_scores = model.predict([query, value], verbose=0)
    (scale,) = attention.get_weights()
    expected, weights = numpy_attention(query, value, scale, causal=True)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_scores, weights, rtol=1e-5, atol=1e-6)
    rebuilt = plexus.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    for a, b in zip(rebuilt.predict([query, value], verbose=0), (got, got_scores)):
        np.testing.assert_array_equal(a, b)
    # Eagerly, the same call gives the same pair.
    eager, eager_scores = attention([query, value], use_causal_mask=True,
                                    return_attention_scores=True)  # fmt: skip
    np.testing.assert_allclose(np.asarray(eager_scores), got_scores, rtol=1e-6, atol=1e-7)


def test_keras_file_with_masked_attention_loads_and_predicts_as_keras(tmp_path):
    directory = FIXTURES / "KerasAttention"
    record = json.loads((directory / "luong_attention_model.json").read_text())
    model = plexus.saving.load_model(directory / "luong_attention_model.keras")
    inputs = [values(x).astype("int32") for x in record["inputs"]]
    predicted = model.predict(inputs, verbose=0)
    for got, expected in zip(predicted, record["outputs"]):
        np.testing.assert_allclose(got, values(expected), rtol=1e-5, atol=1e-5)
    path = tmp_path / "again.keras"
    model.save(path)
    again = plexus.saving.load_model(path)
    for got, expected in zip(again.predict(inputs, verbose=0), predicted):
        np.testing.assert_array_equal(got, expected)
    luong = next(e for e in again.get_config()["layers"] if e["name"] == "luong")
    assert luong["inbound_nodes"][0]["kwargs"] == {"use_causal_mask": True}


def test_trains_on_masked_sequences():
    rng = np.random.default_rng(3)
    tokens = plexus.Input(shape=(6,), dtype="int32")
    embedded = layers.Embedding(20, 8, mask_zero=True)(tokens)
    attended = layers.AdditiveAttention(dropout=0.1)([embedded, embedded], use_causal_mask=True)
    pooled = layers.GlobalAveragePooling1D()(attended)
    model = plexus.Model(tokens, layers.Dense(1, activation="sigmoid")(pooled))
    model.compile(optimizer=plexus.optimizers.Adam(0.02), loss="binary_crossentropy")
    x = rng.integers(1, 20, size=(64, 6)).astype("int32")
    x[::3, 4:] = 0
    y = (x[:, 0] > 10).astype("float32")[:, None]
    history = model.fit(x, y, batch_size=16, epochs=10, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0], losses


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
    with pytest.raises(plexus.errors.PlexusError, match="dropout"):
        layers.AdditiveAttention(dropout=1.5)
    x = np.zeros((2, 3, 4), "float32")
    attention = layers.Attention()
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        attention(x)
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        attention([x])
    with pytest.raises(NotImplementedError, match="mask_zero"):
        attention([x, x], mask=[None, None])
    with pytest.raises(plexus.errors.PlexusError, match="key"):
        attention([x, x, np.zeros((2, 3, 5), "float32")])
    assert layers.AdditiveAttention(name="a").get_config() == {
        "name": "a", "trainable": True,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                  "registered_name": None},
        "use_scale": True, "dropout": 0.0, "seed": None,
    }  # fmt: skip
