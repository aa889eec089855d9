"""MultiHeadAttention from Python: Keras's constructor, call and node config; the values
against NumPy and against files Keras saved."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures"


def numpy_attention(weights, query, value, key, num_heads, key_dim, causal=False,
                    with_scores=False, mask=None):  # fmt: skip
    """Keras's multi-head attention in NumPy from the layer's weights (query, key, value and
    output projections, each with a bias): softmax(q·kᵀ/√d)·v per head, projected back."""
    (wq, bq, wk, bk, wv, bv, wo, bo) = weights
    q = np.einsum("btd,dhk->bthk", query, wq) + bq
    k = np.einsum("bsd,dhk->bshk", key, wk) + bk
    v = np.einsum("bsd,dhk->bshk", value, wv) + bv
    scores = np.einsum("bthk,bshk->bhts", q / np.sqrt(key_dim), k)
    if causal:
        steps, sources = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((steps, sources), bool)), scores, -1e9)
    if mask is not None:
        # (batch, Tq, Tv), the same for every head; masked logits become -1e9, as Keras's.
        scores = np.where(np.asarray(mask, bool)[:, None], scores, -1e9)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    attended = np.einsum("bhts,bshk->bthk", scores, v)
    output = np.einsum("bthk,hkd->btd", attended, wo) + bo
    return (output, scores) if with_scores else output


def test_a_functional_model_with_query_value_and_key_matches_numpy():
    rng = np.random.default_rng(0)
    q_in, v_in, k_in = (plexus.Input(shape=s) for s in [(4, 6), (5, 3), (5, 2)])
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")
    model = plexus.Model([q_in, v_in, k_in], mha(q_in, v_in, key=k_in))
    query, value, key = (rng.standard_normal((2, *s)).astype("float32") for s in
                         [(4, 6), (5, 3), (5, 2)])  # fmt: skip
    got = model.predict([query, value, key], verbose=0)
    assert got.shape == (2, 4, 6)
    expected = numpy_attention(mha.get_weights(), query, value, key, 2, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_a_causal_self_attention_called_eagerly_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 5, 4)).astype("float32")
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    got = np.asarray(mha(x, x, use_causal_mask=True))
    expected = numpy_attention(mha.get_weights(), x, x, x, 2, 2, causal=True)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    # Without the mask the first step sees the later ones: the outputs differ.
    assert not np.allclose(np.asarray(mha(x, x)), got)


def test_the_node_config_is_the_one_keras_writes():
    q_in, v_in = plexus.Input(shape=(4, 6)), plexus.Input(shape=(5, 6))
    mha = layers.MultiHeadAttention(2, 3, name="mha")
    model = plexus.Model([q_in, v_in], mha(q_in, v_in, key=v_in, use_causal_mask=True))
    entry = next(e for e in model.get_config()["layers"] if e["name"] == "mha")
    (node,) = entry["inbound_nodes"]
    assert [a["config"]["keras_history"][0] for a in node["args"]] == [
        q_in._keras_history[0].name, v_in._keras_history[0].name]  # fmt: skip
    assert node["kwargs"]["key"]["config"]["keras_history"][0] == v_in._keras_history[0].name
    assert node["kwargs"]["use_causal_mask"] is True
    config = entry["config"]
    assert (config["num_heads"], config["key_dim"], config["value_dim"]) == (2, 3, 3)
    assert config["use_gate"] is False and config["sliding_window"] is None
    # The rebuilt model predicts the same.
    rebuilt = plexus.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    rng = np.random.default_rng(2)
    data = [rng.standard_normal((2, 4, 6)).astype("float32"),
            rng.standard_normal((2, 5, 6)).astype("float32")]  # fmt: skip
    np.testing.assert_allclose(rebuilt.predict(data, verbose=0), model.predict(data, verbose=0))


def test_the_keras_attention_block_loads_and_predicts_what_keras_predicted(tmp_path):
    record = json.loads((FIXTURES / "KerasAttention" / "attention_block.json").read_text())
    x = np.array(record["inputs"][0]["values"], np.float32).reshape(record["inputs"][0]["shape"])
    model = plexus.saving.load_model(str(FIXTURES / "KerasAttention" / "attention_block.keras"))
    out = record["outputs"][0]
    expected = np.array(out["values"], np.float32).reshape(out["shape"])
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert any(isinstance(layer, layers.MultiHeadAttention) for layer in model.layers)
    # Saved again from Python, it loads again and predicts the same.
    path = tmp_path / "again.keras"
    model.save(str(path))
    again = plexus.saving.load_model(str(path))
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_a_keras_file_with_masked_attention_loads():
    """Embedding(mask_zero) → causal self-attention: Keras saves the masks as op nodes and
    mask arguments, which the Python mirror skips as the library recomputes them."""
    record = json.loads((FIXTURES / "KerasMasks" / "embedding_causal_attention.json").read_text())
    x = np.array(record["x"]["values"], np.int32).reshape(record["x"]["shape"])
    model = plexus.saving.load_model(str(FIXTURES / "KerasMasks" / "embedding_causal_attention.keras"))
    expected = np.array(record["prediction"]["values"]).reshape(record["prediction"]["shape"])
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_unsupported_call_options_are_refused_by_name():
    x = np.zeros((1, 2, 4), np.float32)
    mha = layers.MultiHeadAttention(1, 2)
    with pytest.raises(NotImplementedError, match="query_mask"):
        mha(x, x, query_mask=np.ones((1, 2), bool))
    with pytest.raises(ValueError, match="attention_mask"):
        mha(x, x, attention_mask=np.ones((1, 3, 2), np.float32))
    with pytest.raises(plexus.PlexusError):
        layers.MultiHeadAttention(0, 2)


def test_return_attention_scores_in_graphs_and_eagerly_matches_numpy(tmp_path):
    rng = np.random.default_rng(4)
    q_in, v_in = plexus.Input(shape=(5, 8)), plexus.Input(shape=(6, 4))
    mha = layers.MultiHeadAttention(2, 3, name="cross")
    attended, scores = mha(q_in, v_in, return_attention_scores=True)
    assert scores.shape == (None, 2, 5, 6)
    model = plexus.Model([q_in, v_in], [attended, scores])
    query = rng.standard_normal((2, 5, 8)).astype("float32")
    value = rng.standard_normal((2, 6, 4)).astype("float32")
    got_output, got_scores = model.predict([query, value], verbose=0)
    expected_output, expected_scores = numpy_attention(
        mha.get_weights(), query, value, value, 2, 3, with_scores=True)
    np.testing.assert_allclose(got_output, expected_output, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_scores, expected_scores, rtol=1e-4, atol=1e-6)
    node = model.get_config()["layers"][2]["inbound_nodes"][0]
    assert node["kwargs"] == {"return_attention_scores": True}
    path = tmp_path / "scores.keras"
    model.save(str(path))
    for a, b in zip(plexus.saving.load_model(str(path)).predict([query, value], verbose=0),
                    [got_output, got_scores]):  # fmt: skip
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # Eagerly (a layer of its own: a layer in two models has weights in each).
    eager = layers.MultiHeadAttention(2, 3)
    eager_output, eager_scores = eager(query, value, return_attention_scores=True)
    expected_output, expected_scores = numpy_attention(
        eager.get_weights(), query, value, value, 2, 3, with_scores=True)
    np.testing.assert_allclose(np.asarray(eager_output), expected_output, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(eager_scores), expected_scores, rtol=1e-4, atol=1e-6)


def test_kerass_file_with_attention_scores_as_an_output_loads():
    record = json.loads(
        (FIXTURES / "KerasAttention" / "attention_scores_model.json").read_text())
    inputs = [np.asarray(e["values"], np.float32).reshape(e["shape"]) for e in record["inputs"]]
    model = plexus.saving.load_model(
        str(FIXTURES / "KerasAttention" / "attention_scores_model.keras"))
    for got, entry in zip(model.predict(inputs, verbose=0), record["outputs"]):
        expected = np.asarray(entry["values"], np.float32).reshape(entry["shape"])
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def _allowed(rng, batch, steps, sources):
    """A random 0/1 attention mask in which every query step attends to at least one step."""
    allowed = rng.uniform(size=(batch, steps, sources)) > 0.5
    allowed[:, np.arange(steps), np.arange(steps) % sources] = True
    return allowed.astype(np.float32)


def test_an_attention_mask_in_graphs_and_eagerly_matches_numpy(tmp_path):
    rng = np.random.default_rng(5)
    tokens, allowed = plexus.Input(shape=(5, 8)), plexus.Input(shape=(5, 5))
    mha = layers.MultiHeadAttention(2, 3, name="masked")
    attended, scores = mha(tokens, tokens, attention_mask=allowed, return_attention_scores=True)
    model = plexus.Model([tokens, allowed], [attended, scores])
    x = rng.standard_normal((3, 5, 8)).astype("float32")
    mask = _allowed(rng, 3, 5, 5)
    got_output, got_scores = model.predict([x, mask], verbose=0)
    expected_output, expected_scores = numpy_attention(
        mha.get_weights(), x, x, x, 2, 3, with_scores=True, mask=mask)
    np.testing.assert_allclose(got_output, expected_output, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_scores, expected_scores, rtol=1e-4, atol=1e-6)
    assert np.all(got_scores[np.broadcast_to(mask[:, None] == 0, got_scores.shape)] == 0)
    # Keras's node: the mask is a keyword tensor.
    node = model.get_config()["layers"][-1]["inbound_nodes"][0]
    assert len(node["args"]) == 2
    assert node["kwargs"]["attention_mask"]["config"]["keras_history"][0] == allowed.name
    path = tmp_path / "masked.keras"
    model.save(str(path))
    for a, b in zip(plexus.saving.load_model(str(path)).predict([x, mask], verbose=0),
                    [got_output, got_scores]):  # fmt: skip
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # Eagerly, with a boolean mask (a layer of its own, as above).
    eager = layers.MultiHeadAttention(2, 3)
    got = np.asarray(eager(x, x, attention_mask=mask.astype(bool)))
    expected = numpy_attention(eager.get_weights(), x, x, x, 2, 3, mask=mask)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert not np.allclose(np.asarray(eager(x, x)), got)


def test_kerass_file_with_an_attention_mask_input_loads():
    record = json.loads((FIXTURES / "KerasAttention" / "attention_mask_model.json").read_text())
    inputs = [np.asarray(e["values"], np.float32).reshape(e["shape"]) for e in record["inputs"]]
    model = plexus.saving.load_model(
        str(FIXTURES / "KerasAttention" / "attention_mask_model.keras"))
    expected = np.asarray(record["outputs"][0]["values"], np.float32).reshape(
        record["outputs"][0]["shape"])
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_an_eager_attention_mask_broadcasts_as_in_keras():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4, 8)).astype("float32")
    mask = _allowed(rng, 1, 4, 4)[0]  # (Tq, Tv): the same for every sample
    mha = layers.MultiHeadAttention(2, 3)
    got = np.asarray(mha(x, x, attention_mask=mask))
    expected = numpy_attention(mha.get_weights(), x, x, x, 2, 3,
                               mask=np.broadcast_to(mask, (3, 4, 4)))  # fmt: skip
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="does not broadcast"):
        mha(x, x, attention_mask=np.ones((3, 4), np.float32))


def test_attention_axes_over_a_map_in_a_graph_and_eagerly():
    rng = np.random.default_rng(7)
    image = plexus.Input(shape=(3, 2, 5))
    mha = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2), name="map")
    attended, scores = mha(image, image, return_attention_scores=True)
    assert scores.shape == (None, 2, 3, 2, 3, 2)
    model = plexus.Model(image, [attended, scores])
    x = rng.standard_normal((2, 3, 2, 5)).astype("float32")
    got_output, got_scores = model.predict(x, verbose=0)
    # Attention over both axes is attention over the flattened (3·2)-step sequence.
    flat = x.reshape(2, 6, 5)
    expected_output, expected_scores = numpy_attention(
        mha.get_weights(), flat, flat, flat, 2, 3, with_scores=True)
    np.testing.assert_allclose(got_output, expected_output.reshape(2, 3, 2, 5), rtol=1e-4,
                               atol=1e-5)  # fmt: skip
    np.testing.assert_allclose(got_scores, expected_scores.reshape(2, 2, 3, 2, 3, 2), rtol=1e-4,
                               atol=1e-6)  # fmt: skip


def test_an_attention_mask_over_the_axes_of_a_map_in_a_graph_and_eagerly():
    # The mask has the scores' layout without the heads: (batch, H, W, H, W).
    rng = np.random.default_rng(8)
    image = plexus.Input(shape=(3, 2, 5))
    keep = plexus.Input(shape=(3, 2, 3, 2))
    mha = layers.MultiHeadAttention(2, 3, name="masked_map")
    model = plexus.Model([image, keep], mha(image, image, attention_mask=keep))
    x = rng.standard_normal((2, 3, 2, 5)).astype("float32")
    allowed = _allowed(rng, 2, 6, 6)
    mask = allowed.reshape(2, 3, 2, 3, 2)
    flat = x.reshape(2, 6, 5)
    got = model.predict([x, mask], verbose=0)
    expected = numpy_attention(mha.get_weights(), flat, flat, flat, 2, 3, mask=allowed)
    np.testing.assert_allclose(got, expected.reshape(2, 3, 2, 5), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(mha(x, x, attention_mask=mask)), got, rtol=1e-6)
    # Eagerly, one sample's mask broadcasts over the batch, as in Keras.
    shared = mask[:1]
    np.testing.assert_allclose(
        np.asarray(mha(x, x, attention_mask=shared)),
        np.asarray(mha(x, x, attention_mask=np.broadcast_to(shared, mask.shape))), rtol=1e-6)
    with pytest.raises(ValueError, match="does not broadcast"):
        mha(x, x, attention_mask=np.ones((2, 3, 2, 3), np.float32))
    with pytest.raises(Exception, match="masked_map"):
        mha(x, x, use_causal_mask=True)
