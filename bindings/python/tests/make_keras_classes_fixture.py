"""Writes fixtures/keras_classes.json: what Keras 3 serializes for the objects
test_keras_classes.py makes with the same arguments. Run once with Keras (the tests do not
need it): KERAS_BACKEND=jax python make_keras_classes_fixture.py"""

import json
from pathlib import Path

import keras
from keras import layers as L
from keras import losses, metrics, optimizers
from keras.optimizers import schedules as S

out = {}


def put(key, obj):
    out[key] = keras.saving.serialize_keras_object(obj)


put("Embedding", L.Embedding(10, 4, name="e"))
put("Embedding_full", L.Embedding(10, 4, mask_zero=True, embeddings_regularizer="l2", name="e2"))
put("Masking", L.Masking(name="m"))
put("Multiply", L.Multiply(name="x"))
put("Subtract", L.Subtract(name="x"))
put("Average", L.Average(name="x"))
put("Maximum", L.Maximum(name="x"))
put("Minimum", L.Minimum(name="x"))
put("Dot", L.Dot(axes=1, name="x"))
put("Dot_norm", L.Dot(axes=(1, 2), normalize=True, name="x"))
put("RepeatVector", L.RepeatVector(3, name="x"))
put("Permute", L.Permute((2, 1), name="x"))
put("GaussianNoise", L.GaussianNoise(0.1, name="x"))
put("GaussianNoise_seed", L.GaussianNoise(0.1, seed=3, name="x"))
put("SpatialDropout1D", L.SpatialDropout1D(0.2, name="x"))
put("SpatialDropout2D", L.SpatialDropout2D(0.2, seed=1, name="x"))
put("Rescaling", L.Rescaling(1/255., name="x"))
put("Rescaling_off", L.Rescaling(2.0, offset=-1.0, name="x"))
put("Normalization", L.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], name="x"))
put("Normalization_scalar", L.Normalization(axis=None, mean=1.0, variance=4.0, invert=True, name="x"))
put("Normalization_empty", L.Normalization(name="x"))
put("SimpleRNN", L.SimpleRNN(4, name="x"))
put("SimpleRNN_full", L.SimpleRNN(4, activation="relu", return_sequences=True, kernel_regularizer="l2", go_backwards=True, seed=5, name="x"))
put("LSTM", L.LSTM(4, name="x"))
put("LSTM_full", L.LSTM(4, return_sequences=True, return_state=True, unit_forget_bias=False, recurrent_activation="hard_sigmoid", stateful=False, unroll=True, use_cudnn=False, name="x"))
put("GRU", L.GRU(4, name="x"))
put("GRU_full", L.GRU(4, reset_after=False, return_sequences=True, name="x"))
put("Bidirectional", L.Bidirectional(L.LSTM(4, name="f"), name="x"))
put("Bidirectional_sum", L.Bidirectional(L.GRU(3, return_sequences=True, name="f"), merge_mode="sum", backward_layer=L.GRU(3, return_sequences=True, go_backwards=True, name="b"), name="x"))
put("TimeDistributed", L.TimeDistributed(L.Dense(3, name="d"), name="x"))
for name, obj in [("Huber", losses.Huber()), ("Huber_d", losses.Huber(delta=2.0, reduction="sum", name="h")),
    ("MeanAbsoluteError", losses.MeanAbsoluteError()), ("MeanAbsolutePercentageError", losses.MeanAbsolutePercentageError()),
    ("KLDivergence", losses.KLDivergence()), ("CosineSimilarity", losses.CosineSimilarity()), ("CosineSimilarity_axis", losses.CosineSimilarity(axis=1)),
    ("Hinge", losses.Hinge()), ("LogCosh", losses.LogCosh()), ("Poisson", losses.Poisson())]:
    put("loss/" + name, obj)
for name, obj in [("MeanAbsoluteError", metrics.MeanAbsoluteError()), ("RootMeanSquaredError", metrics.RootMeanSquaredError()),
    ("Precision", metrics.Precision()), ("Precision_full", metrics.Precision(thresholds=0.3, top_k=2, class_id=1, name="p")),
    ("Recall", metrics.Recall()), ("Recall_t", metrics.Recall(thresholds=[0.2, 0.7], name="recall_t")),
    ("AUC", metrics.AUC()), ("AUC_full", metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring", multi_label=True, num_labels=3, from_logits=True, name="a")),
    ("TopKCategoricalAccuracy", metrics.TopKCategoricalAccuracy()), ("TopK3", metrics.TopKCategoricalAccuracy(k=3, name="t")),
    ("F1Score", metrics.F1Score()), ("F1Score_full", metrics.F1Score(average="macro", threshold=0.4, name="f")),
    ("FBetaScore", metrics.FBetaScore()), ("FBetaScore_full", metrics.FBetaScore(average="weighted", beta=2.0, threshold=0.5, name="fb"))]:
    put("metric/" + name, obj)
for name, obj in [("Adagrad", optimizers.Adagrad()), ("Adagrad_full", optimizers.Adagrad(0.01, initial_accumulator_value=0.2, epsilon=1e-6, clipnorm=1.0, name="ag")), ("Adadelta", optimizers.Adadelta()), ("Adamax", optimizers.Adamax()),
    ("Nadam", optimizers.Nadam()), ("Lion", optimizers.Lion()), ("Lion_wd", optimizers.Lion(0.0001, beta_1=0.95, weight_decay=0.01, name="lion_wd")), ("Adam_amsgrad", optimizers.Adam(amsgrad=True)),
    ("AdamW_amsgrad", optimizers.AdamW(amsgrad=True)),
    ("Adam_ema", optimizers.Adam(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=5, name="ema")),
    ("SGD_exp", optimizers.SGD(learning_rate=S.ExponentialDecay(0.1, 100, 0.96, staircase=True))),
    ("Adam_piece", optimizers.Adam(learning_rate=S.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]), name="piece")),
    ("Adam_cos", optimizers.Adam(learning_rate=S.CosineDecay(0.01, 1000, alpha=0.1, warmup_target=0.05, warmup_steps=10), name="cos")),
    ("Adam_inv", optimizers.Adam(learning_rate=S.InverseTimeDecay(0.01, 10, 0.5), name="inv")),
    ("Adam_poly", optimizers.Adam(learning_rate=S.PolynomialDecay(0.01, 100, end_learning_rate=0.001, power=2.0, cycle=True), name="poly")),
    ]:
    put("optimizer/" + name, obj)
for name, obj in [("ExponentialDecay", S.ExponentialDecay(0.1, 100, 0.96)), ("PiecewiseConstantDecay", S.PiecewiseConstantDecay([10], [0.1, 0.01])),
    ("CosineDecay", S.CosineDecay(0.1, 100)), ("InverseTimeDecay", S.InverseTimeDecay(0.1, 10, 0.5)), ("PolynomialDecay", S.PolynomialDecay(0.1, 100))]:
    put("schedule/" + name, obj)

path = Path(__file__).parent / "fixtures" / "keras_classes.json"
path.write_text(json.dumps({"keras_version": keras.__version__, "objects": out}, indent=1) + "\n")
