"""Keras 3's side of Plexus's mask fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/<case>.keras and DIR/<case>.json for every case below

Each case is a small model whose mask comes from an Embedding with mask_zero=True or a Masking
layer and reaches the layers that honour it (recurrent layers, Bidirectional, attention,
GlobalAveragePooling1D) and the loss. Keras builds it with seeded weights, compiles it with
SGD(0.1), and saves it as DIR/<case>.keras; DIR/<case>.json holds:

  x, y         the inputs (padded sequences: zeros at the end, or at the start) and targets
  prediction   model.predict(x)
  mask         the mask on the model's output (null when it has none)
  loss         the loss of model.evaluate(x, y): masked steps weigh nothing
  weights      every weight after one train_on_batch(x, y), in model.weights order

embedding_gru_last.model.json is that model's to_json(), for the loader's tests.

Tensors are {"shape", "values"}, row-major, float64 values of float32 numbers.
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras import layers  # noqa: E402


def tensor(array):
    array = np.asarray(array)
    return {"shape": list(array.shape), "values": [float(v) for v in array.ravel()]}


IDS = np.array(
    [[3, 7, 1, 0, 0, 0], [5, 2, 9, 4, 8, 6], [0, 0, 11, 3, 2, 0], [13, 0, 0, 0, 0, 0]],
    dtype="int32")


def cases():
    """Each case: (name, model, x, y)."""
    sequence_targets = (IDS % 3).astype("int32")
    last_targets = np.array([0, 1, 1, 0], dtype="int32")

    def embedded(name):
        inputs = keras.Input(shape=(6,), dtype="int32", name=f"{name}_ids")
        return inputs, layers.Embedding(16, 4, mask_zero=True, name=f"{name}_embedding")(inputs)

    inputs, x = embedded("lstm")
    x = layers.LSTM(5, return_sequences=True, name="lstm")(x)
    yield "embedding_lstm_sequence", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    inputs, x = embedded("gru")
    x = layers.GRU(5, name="gru")(x)
    yield "embedding_gru_last", keras.Model(
        inputs, layers.Dense(2, name="head")(x)), IDS, last_targets

    inputs, x = embedded("pool")
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    yield "embedding_average_pooling", keras.Model(
        inputs, layers.Dense(2, name="head")(x)), IDS, last_targets

    inputs, x = embedded("bidirectional")
    x = layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="bidirectional")(x)
    yield "embedding_bidirectional", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    # Self-attention over the masked sequence: padding is hidden from every query, and a
    # padding query (every step masked) gets uniform weights, as Keras's default path gives.
    inputs, x = embedded("self_attention")
    x = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="attention")(x, x)
    yield "embedding_self_attention", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    # The same with the causal mask: a node with call options.
    inputs, x = embedded("causal_attention")
    x = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="attention")(
        x, x, use_causal_mask=True)
    yield "embedding_causal_attention", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    # BatchNormalization after a masked sequence: its training statistics are the kept steps'.
    inputs, x = embedded("batch_norm")
    x = layers.LSTM(5, return_sequences=True, name="lstm")(x)
    x = layers.BatchNormalization(name="norm")(x)
    yield "embedding_lstm_batch_norm", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    # Cross-attention from an unmasked query (the ids again, embedded without mask_zero) to
    # the masked sequence: the value's mask hides the padding.
    inputs, x = embedded("attention")
    query = layers.Embedding(16, 4, name="attention_query_embedding")(inputs)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="attention")(query, x)
    yield "embedding_attention", keras.Model(
        inputs, layers.Dense(3, name="head")(x)), IDS, sequence_targets

    features = np.sin(np.arange(4 * 6 * 3, dtype="float32") * 0.7).reshape(4, 6, 3)
    features[0, 4:] = 0
    features[2, :2] = 0
    inputs = keras.Input(shape=(6, 3), name="masking_features")
    x = layers.Masking(0.0, name="masking")(inputs)
    x = layers.SimpleRNN(4, return_sequences=True, go_backwards=True, name="rnn")(x)
    targets = np.cos(np.arange(4 * 6, dtype="float32")).reshape(4, 6, 1)
    yield "masking_simple_rnn_backwards", keras.Model(
        inputs, layers.Dense(1, name="head")(x)), features, targets


def main(directory):
    for name, model, x, y in cases():
        keras.utils.set_random_seed(7)
        rng = np.random.default_rng(sum(map(ord, name)))
        for weight in model.weights:
            low, high = (0.5, 1.5) if "variance" in weight.path else (-0.5, 0.5)
            weight.assign(rng.uniform(low, high, weight.shape).astype("float32"))
        sequence = y.ndim == 2 and y.shape[1] == 6 or y.ndim == 3
        loss = (keras.losses.MeanSquaredError() if y.dtype == np.float32
                else keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
        prediction = model.predict(x, verbose=0)
        output = model(x)
        mask = keras.backend.get_keras_mask(output) if hasattr(keras.backend, "get_keras_mask") \
            else getattr(output, "_keras_mask", None)
        evaluated = model.evaluate(x, y, verbose=0, batch_size=len(x))
        model.save(os.path.join(directory, f"{name}.keras"))
        if name == "embedding_gru_last":
            # The model's JSON alone, with Keras's saved mask nodes, for the loader's tests.
            with open(os.path.join(directory, f"{name}.model.json"), "w") as file:
                file.write(model.to_json())
        model.train_on_batch(x, y)
        record = {
            "x": tensor(x), "y": tensor(y), "prediction": tensor(prediction),
            "mask": None if mask is None else tensor(np.asarray(mask).astype("float32")),
            "loss": float(evaluated), "sequence": bool(sequence),
            "weights": [tensor(w) for w in model.get_weights()],
        }
        with open(os.path.join(directory, f"{name}.json"), "w") as file:
            json.dump(record, file)
        print(name, "loss", evaluated)


if __name__ == "__main__":
    main(sys.argv[1])
