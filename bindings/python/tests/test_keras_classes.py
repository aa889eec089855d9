"""The Keras classes the C library accepts by name, made from Python: each one's config is
what Keras 3 writes for the same arguments (fixtures/keras_classes.json, written once by
make_keras_classes_fixture.py with Keras 3.15.1), round-trips through from_config, and the
C library builds and trains with it."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers as L
from plexus import losses, metrics, optimizers
from plexus.optimizers import schedules as S

KERAS = json.loads((Path(__file__).parent / "fixtures" / "keras_classes.json").read_text())

# (fixture key, the same object made with the arguments make_keras_classes_fixture.py used)
LAYERS = [
    ("Embedding", lambda: L.Embedding(10, 4, name="e")),
    ("Embedding_full",
     lambda: L.Embedding(10, 4, mask_zero=True, embeddings_regularizer="l2", name="e2")),
    ("Masking", lambda: L.Masking(name="m")),
    ("Multiply", lambda: L.Multiply(name="x")),
    ("Subtract", lambda: L.Subtract(name="x")),
    ("Average", lambda: L.Average(name="x")),
    ("Maximum", lambda: L.Maximum(name="x")),
    ("Minimum", lambda: L.Minimum(name="x")),
    ("Dot", lambda: L.Dot(axes=1, name="x")),
    ("Dot_norm", lambda: L.Dot(axes=(1, 2), normalize=True, name="x")),
    ("RepeatVector", lambda: L.RepeatVector(3, name="x")),
    ("Permute", lambda: L.Permute((2, 1), name="x")),
    ("GaussianNoise", lambda: L.GaussianNoise(0.1, name="x")),
    ("GaussianNoise_seed", lambda: L.GaussianNoise(0.1, seed=3, name="x")),
    ("SpatialDropout1D", lambda: L.SpatialDropout1D(0.2, name="x")),
    ("SpatialDropout2D", lambda: L.SpatialDropout2D(0.2, seed=1, name="x")),
    ("Rescaling", lambda: L.Rescaling(1 / 255.0, name="x")),
    ("Rescaling_off", lambda: L.Rescaling(2.0, offset=-1.0, name="x")),
    ("Normalization", lambda: L.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], name="x")),
    ("Normalization_scalar",
     lambda: L.Normalization(axis=None, mean=1.0, variance=4.0, invert=True, name="x")),
    ("Normalization_empty", lambda: L.Normalization(name="x")),
    ("SimpleRNN", lambda: L.SimpleRNN(4, name="x")),
    ("SimpleRNN_full",
     lambda: L.SimpleRNN(4, activation="relu", return_sequences=True, kernel_regularizer="l2",
                         go_backwards=True, seed=5, name="x")),
    ("LSTM", lambda: L.LSTM(4, name="x")),
    ("LSTM_full",
     lambda: L.LSTM(4, return_sequences=True, return_state=True, unit_forget_bias=False,
                    recurrent_activation="hard_sigmoid", stateful=False, unroll=True,
                    use_cudnn=False, name="x")),
    ("GRU", lambda: L.GRU(4, name="x")),
    ("GRU_full", lambda: L.GRU(4, reset_after=False, return_sequences=True, name="x")),
    ("Bidirectional", lambda: L.Bidirectional(L.LSTM(4, name="f"), name="x")),
    ("Bidirectional_sum",
     lambda: L.Bidirectional(
         L.GRU(3, return_sequences=True, name="f"), merge_mode="sum",
         backward_layer=L.GRU(3, return_sequences=True, go_backwards=True, name="b"), name="x")),
    ("TimeDistributed", lambda: L.TimeDistributed(L.Dense(3, name="d"), name="x")),
]  # fmt: skip

OBJECTS = [
    ("loss/Huber", lambda: losses.Huber()),
    ("loss/Huber_d", lambda: losses.Huber(delta=2.0, reduction="sum", name="h")),
    ("loss/MeanAbsoluteError", lambda: losses.MeanAbsoluteError()),
    ("loss/MeanAbsolutePercentageError", lambda: losses.MeanAbsolutePercentageError()),
    ("loss/KLDivergence", lambda: losses.KLDivergence()),
    ("loss/CosineSimilarity", lambda: losses.CosineSimilarity()),
    ("loss/CosineSimilarity_axis", lambda: losses.CosineSimilarity(axis=1)),
    ("loss/Hinge", lambda: losses.Hinge()),
    ("loss/LogCosh", lambda: losses.LogCosh()),
    ("loss/Poisson", lambda: losses.Poisson()),
    ("metric/MeanAbsoluteError", lambda: metrics.MeanAbsoluteError()),
    ("metric/RootMeanSquaredError", lambda: metrics.RootMeanSquaredError()),
    ("metric/Precision", lambda: metrics.Precision()),
    ("metric/Precision_full",
     lambda: metrics.Precision(thresholds=0.3, top_k=2, class_id=1, name="p")),
    ("metric/Recall", lambda: metrics.Recall()),
    ("metric/Recall_t", lambda: metrics.Recall(thresholds=[0.2, 0.7], name="recall_t")),
    ("metric/AUC", lambda: metrics.AUC()),
    ("metric/AUC_full",
     lambda: metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring",
                         multi_label=True, num_labels=3, from_logits=True, name="a")),
    ("metric/TopKCategoricalAccuracy", lambda: metrics.TopKCategoricalAccuracy()),
    ("metric/TopK3", lambda: metrics.TopKCategoricalAccuracy(k=3, name="t")),
    ("metric/F1Score", lambda: metrics.F1Score()),
    ("metric/F1Score_full", lambda: metrics.F1Score(average="macro", threshold=0.4, name="f")),
    ("metric/FBetaScore", lambda: metrics.FBetaScore()),
    ("metric/FBetaScore_full",
     lambda: metrics.FBetaScore(average="weighted", beta=2.0, threshold=0.5, name="fb")),
    ("optimizer/Adagrad", lambda: optimizers.Adagrad()),
    ("optimizer/Adagrad_full",
     lambda: optimizers.Adagrad(0.01, initial_accumulator_value=0.2, epsilon=1e-6, clipnorm=1.0,
                                name="ag")),
    ("optimizer/Adadelta", lambda: optimizers.Adadelta()),
    ("optimizer/Adamax", lambda: optimizers.Adamax()),
    ("optimizer/Nadam", lambda: optimizers.Nadam()),
    ("optimizer/Lion", lambda: optimizers.Lion()),
    ("optimizer/Lion_wd",
     lambda: optimizers.Lion(0.0001, beta_1=0.95, weight_decay=0.01, name="lion_wd")),
    ("optimizer/Adam_amsgrad", lambda: optimizers.Adam(amsgrad=True)),
    ("optimizer/AdamW_amsgrad", lambda: optimizers.AdamW(amsgrad=True)),
    ("optimizer/Adam_ema",
     lambda: optimizers.Adam(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=5,
                             name="ema")),
    ("optimizer/SGD_exp",
     lambda: optimizers.SGD(learning_rate=S.ExponentialDecay(0.1, 100, 0.96, staircase=True))),
    ("optimizer/Adam_piece",
     lambda: optimizers.Adam(S.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
                             name="piece")),
    ("optimizer/Adam_cos",
     lambda: optimizers.Adam(S.CosineDecay(0.01, 1000, alpha=0.1, warmup_target=0.05,
                                           warmup_steps=10), name="cos")),
    ("optimizer/Adam_inv", lambda: optimizers.Adam(S.InverseTimeDecay(0.01, 10, 0.5), name="inv")),
    ("optimizer/Adam_poly",
     lambda: optimizers.Adam(S.PolynomialDecay(0.01, 100, end_learning_rate=0.001, power=2.0,
                                               cycle=True), name="poly")),
    ("schedule/ExponentialDecay", lambda: S.ExponentialDecay(0.1, 100, 0.96)),
    ("schedule/PiecewiseConstantDecay", lambda: S.PiecewiseConstantDecay([10], [0.1, 0.01])),
    ("schedule/CosineDecay", lambda: S.CosineDecay(0.1, 100)),
    ("schedule/InverseTimeDecay", lambda: S.InverseTimeDecay(0.1, 10, 0.5)),
    ("schedule/PolynomialDecay", lambda: S.PolynomialDecay(0.1, 100)),
]  # fmt: skip


def _ids(cases):
    return [key for key, _ in cases]


@pytest.mark.parametrize("key, make", LAYERS, ids=_ids(LAYERS))
def test_layer_serializes_as_keras_does(key, make):
    assert make().serialize() == KERAS["objects"][key]


@pytest.mark.parametrize("key, make", LAYERS, ids=_ids(LAYERS))
def test_layer_round_trips_through_its_config(key, make):
    layer = make()
    copy = type(layer).from_config(layer.get_config())
    assert copy.get_config() == layer.get_config()
    assert L.deserialize(layer.serialize()).get_config() == layer.get_config()


@pytest.mark.parametrize("key, make", OBJECTS, ids=_ids(OBJECTS))
def test_object_serializes_as_keras_does(key, make):
    obj = make()
    assert plexus.saving.serialize_keras_object(obj) == KERAS["objects"][key]
    copy = type(obj).from_config(obj.get_config())
    assert copy.get_config() == obj.get_config()


def test_string_names_give_the_classes():
    for name, cls in [("mae", losses.MeanAbsoluteError), ("mape", losses.MeanAbsolutePercentageError),
                      ("huber", losses.Huber), ("kld", losses.KLDivergence),
                      ("kl_divergence", losses.KLDivergence), ("log_cosh", losses.LogCosh),
                      ("cosine_similarity", losses.CosineSimilarity), ("hinge", losses.Hinge),
                      ("poisson", losses.Poisson), ("Huber", losses.Huber)]:  # fmt: skip
        assert type(losses.get(name)) is cls, name
    for name, cls in [("mae", metrics.MeanAbsoluteError), ("auc", metrics.AUC),
                      ("precision", metrics.Precision), ("recall", metrics.Recall),
                      ("root_mean_squared_error", metrics.RootMeanSquaredError),
                      ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
                      ("f1_score", metrics.F1Score)]:  # fmt: skip
        assert type(metrics.get(name)) is cls, name
    for name in ["adagrad", "adadelta", "adamax", "nadam", "lion", "Nadam"]:
        assert optimizers.get(name).name == name.lower()


def test_schedules_give_keras_rates():
    assert S.ExponentialDecay(0.1, 10, 0.5)(10) == pytest.approx(0.05)
    assert S.ExponentialDecay(0.1, 10, 0.5, staircase=True)(15) == pytest.approx(0.05)
    piecewise = S.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001])
    assert [piecewise(s) for s in (0, 10, 11, 21)] == [0.1, 0.1, 0.01, 0.001]
    assert S.InverseTimeDecay(0.1, 10, 1.0)(10) == pytest.approx(0.05)
    assert S.PolynomialDecay(0.1, 10, end_learning_rate=0.0)(5) == pytest.approx(0.05)
    assert S.CosineDecay(0.1, 10)(10) == pytest.approx(0.0)
    assert S.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=10)(5) == pytest.approx(0.15)


def test_cosine_decay_restarts_gives_keras_rates_and_trains_through_its_config():
    # Keras's values, from the Swift parity fixtures (Tests/Fixtures/KerasOptimizers).
    root = Path(__file__).resolve().parents[3]
    cases = json.loads(
        (root / "Tests/Fixtures/KerasOptimizers/schedules.json").read_text())["cases"]
    restarts = {name: case for name, case in cases.items() if name.startswith("cosine_restarts")}
    assert len(restarts) >= 3
    for name, case in restarts.items():
        schedule = S.deserialize(case["schedule"])
        assert isinstance(schedule, S.CosineDecayRestarts)
        assert S.serialize(schedule) == case["schedule"], name
        for step, expected in zip(case["steps"], case["values"]):
            # Keras takes the cosine in float32: relative, with a floor near the troughs.
            assert abs(schedule(step) - expected) <= 1e-5 * max(abs(expected), 1e-3), (name, step)
    with pytest.raises(ValueError, match="first_decay_steps"):
        S.CosineDecayRestarts(0.1, 0)
    # The library reads the same config: the rate it reports follows the schedule.
    model = plexus.Sequential([plexus.Input(shape=(2,)), L.Dense(1)])
    schedule = S.CosineDecayRestarts(0.1, 3, t_mul=1.0, m_mul=0.5)
    model.compile(optimizer=optimizers.SGD(learning_rate=schedule), loss="mse")
    x, y = np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    assert float(model.optimizer.learning_rate) == pytest.approx(schedule(4), rel=1e-6)


def test_library_judges_the_new_layers_when_made():
    with pytest.raises(plexus.InvalidArgumentError, match="dropout"):
        L.LSTM(4, dropout=0.5)
    with pytest.raises(ValueError, match="merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")


# -- a model made of the new layers ----------------------------------------------------------


def sequence_model():
    tokens = plexus.Input(shape=(6,), dtype="int32", name="tokens")
    x = L.Embedding(20, 8, mask_zero=True)(tokens)
    x = L.LSTM(5, return_sequences=True)(x)
    x = L.Bidirectional(L.GRU(4, return_sequences=True))(x)
    x = L.TimeDistributed(L.Dense(3))(x)
    r = L.SimpleRNN(3)(L.SpatialDropout1D(0.1)(x))
    feats = plexus.Input(shape=(3,), name="feats")
    n = L.Normalization(mean=[0.0, 1.0, 2.0], variance=[1.0, 4.0, 9.0])(feats)
    n = L.GaussianNoise(0.1)(L.Rescaling(0.5, offset=0.1)(n))
    merged = [L.Multiply()([r, n]), L.Subtract()([r, n]), L.Average()([r, n]),
              L.Maximum()([r, n]), L.Minimum()([r, n])]  # fmt: skip
    dot = L.Dot(axes=1)([r, n])
    repeated = L.Permute((2, 1))(L.RepeatVector(2)(L.Add()(merged)))
    seq = plexus.Input(shape=(4, 3), name="seq")
    masked = L.GRU(2)(L.Masking()(seq))
    image = plexus.Input(shape=(4, 4, 2), name="image")
    dropped = L.Flatten()(L.SpatialDropout2D(0.2)(image))
    joined = L.Concatenate()([L.Flatten()(repeated), dot, masked, dropped])
    return plexus.Model([tokens, feats, seq, image], L.Dense(1)(joined))


def sequence_data(samples=16):
    rng = np.random.default_rng(0)
    xs = [
        rng.integers(0, 20, (samples, 6)).astype(np.int32),
        rng.standard_normal((samples, 3)).astype(np.float32),
        rng.standard_normal((samples, 4, 3)).astype(np.float32),
        rng.standard_normal((samples, 4, 4, 2)).astype(np.float32),
    ]
    return xs, rng.standard_normal((samples, 1)).astype(np.float32)


def test_symbolic_shapes_of_the_new_layers_match_the_library():
    model = sequence_model()
    xs, _ = sequence_data(2)
    for node in model._nodes:
        if isinstance(node.layer, L.InputLayer):
            continue
        part = plexus.Model(model.inputs, node.output)
        assert part.predict(xs, verbose=0).shape[1:] == node.output.shape[1:], node.layer.name


def test_a_model_of_the_new_layers_trains_and_its_json_copy_predicts_the_same():
    model = sequence_model()
    model.compile(optimizer=optimizers.Adam(0.01), loss="mse")
    xs, y = sequence_data()
    history = model.fit(xs, y, batch_size=8, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    copy = plexus.models.model_from_json(model.to_json())
    copy.set_weights(model.get_weights())
    np.testing.assert_allclose(copy.predict(xs, verbose=0), model.predict(xs, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_wrapped_and_recurrent_layers_list_their_weights_as_keras_names_them():
    model = sequence_model()
    model.predict(sequence_data(2)[0], verbose=0)  # builds the model
    by_class = {type(layer).__name__: layer for layer in model.layers}
    bidirectional = by_class["Bidirectional"]
    names = [v.path.split("/")[0] for v in bidirectional.weights]
    forward, backward = bidirectional.forward_layer.name, bidirectional.backward_layer.name
    assert forward.startswith("forward_gru") and backward.startswith("backward_gru")
    assert names == [forward] * 3 + [backward] * 3
    assert [v.path.rsplit("/", 1)[1] for v in by_class["LSTM"].weights] == [
        "kernel", "recurrent_kernel", "bias"]  # fmt: skip
    dense = by_class["TimeDistributed"].layer
    assert [w.shape for w in by_class["TimeDistributed"].get_weights()] == [(8, 3), (3,)]
    assert dense.name in by_class["TimeDistributed"].weights[0].path


# -- the new losses and optimizers -------------------------------------------------------------


def regression(samples=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, 4)).astype(np.float32)
    y = (x @ np.array([[0.5], [-1.0], [0.25], [1.0]], np.float32) + 2.0).astype(np.float32)
    return x, y


def small_model(activation=None):
    return plexus.Sequential([plexus.Input(shape=(4,)), L.Dense(8, activation="tanh"),
                              L.Dense(1, activation=activation)])  # fmt: skip


LOSSES = [
    ("huber", None), (losses.Huber(delta=0.5), None), ("mae", None), ("mape", None),
    ("log_cosh", None), ("poisson", "softplus"),
]  # fmt: skip


@pytest.mark.parametrize("loss, activation", LOSSES, ids=[str(loss) for loss, _ in LOSSES])
def test_new_losses_compile_and_reduce_the_loss(loss, activation):
    model = small_model(activation)
    model.compile(optimizer=optimizers.Adam(0.02), loss=loss)
    x, y = regression()
    if loss == "poisson":
        y = np.abs(y)
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_kl_divergence_hinge_and_cosine_similarity_reduce_the_loss():
    x, labels = regression()
    probabilities = np.concatenate([labels > 2, labels <= 2], axis=1).astype(np.float32)
    model = plexus.Sequential([plexus.Input(shape=(4,)), L.Dense(2, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(0.05), loss="kld")
    history = model.fit(x, probabilities * 0.9 + 0.05, batch_size=16, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model = small_model("tanh")
    model.compile(optimizer=optimizers.Adam(0.05), loss="hinge")
    history = model.fit(x, np.where(labels > 2, 1.0, -1.0).astype(np.float32), batch_size=16,
                        epochs=8, verbose=0)  # fmt: skip
    assert history.history["loss"][-1] < history.history["loss"][0]
    model = plexus.Sequential([plexus.Input(shape=(4,)), L.Dense(3)])
    model.compile(optimizer=optimizers.Adam(0.05), loss=losses.CosineSimilarity(axis=-1))
    history = model.fit(x, x[:, :3] + x[:, 1:], batch_size=16, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] < 0.5


OPTIMIZERS = [
    optimizers.Adagrad(0.1), optimizers.Adadelta(1.0), optimizers.Adamax(0.02),
    optimizers.Nadam(0.02), optimizers.Lion(0.002), optimizers.Adam(0.02, amsgrad=True),
    optimizers.AdamW(0.02, amsgrad=True),
    optimizers.Adam(0.02, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=4),
    optimizers.SGD(S.ExponentialDecay(0.05, 10, 0.9)),
    optimizers.Adam(S.PiecewiseConstantDecay([8], [0.02, 0.01])),
    optimizers.Adam(S.CosineDecay(0.02, 40, warmup_target=0.03, warmup_steps=4)),
    optimizers.Adam(S.InverseTimeDecay(0.02, 10, 0.5)),
    optimizers.Adam(S.PolynomialDecay(0.02, 40, end_learning_rate=0.001)),
]  # fmt: skip


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=[repr(o) for o in OPTIMIZERS])
def test_new_optimizers_compile_and_reduce_the_loss(optimizer):
    model = small_model()
    model.compile(optimizer=optimizer, loss="mse")
    x, y = regression()
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_new_metrics_are_logged():
    x, y = regression()
    labels = (y > 2).astype(np.float32)
    model = small_model("sigmoid")
    model.compile(optimizer=optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["mae", metrics.RootMeanSquaredError(), metrics.Precision(),
                           metrics.Recall(), metrics.AUC(), metrics.F1Score(threshold=0.5)])  # fmt: skip
    logs = model.evaluate(x, labels, verbose=0, return_dict=True)
    assert {"mae", "root_mean_squared_error", "precision", "recall", "auc", "f1_score"} <= set(logs)
    assert 0.0 <= logs["auc"] <= 1.0
    onehot = np.eye(6, dtype=np.float32)[np.arange(64) % 6]
    model = plexus.Sequential([plexus.Input(shape=(4,)), L.Dense(6, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[metrics.TopKCategoricalAccuracy(k=3)])  # fmt: skip
    logs = model.evaluate(x, onehot, verbose=0, return_dict=True)
    assert 0.0 <= logs["top_k_categorical_accuracy"] <= 1.0
