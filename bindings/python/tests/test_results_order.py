"""The lists evaluate, train_on_batch and test_on_batch return are in Keras's order: the loss,
then with one output the metrics in compile order; with several, each output's loss in output
order, then the metrics sorted by name (as Keras 3.15 lists them); a repeated metric name gets
Keras's `_1`."""

import numpy as np

import plexus
from plexus import layers, metrics


def _regression():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (rng.normal(size=(40, 1)) * 10).astype("float32")
    return x, y


def test_single_output_results_follow_the_compile_order():
    x, y = _regression()
    model = plexus.Sequential([plexus.Input(shape=(3,)),
                               layers.Dense(1, kernel_initializer="zeros")])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse", metrics=[metrics.RootMeanSquaredError(), "mae"])
    # The model predicts 0: the loss is mean(y²), then the RMSE and the MAE, as listed.
    expected = [np.mean(y**2), np.sqrt(np.mean(y**2)), np.mean(np.abs(y))]
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(model.test_on_batch(x, y), expected, rtol=1e-5)
    np.testing.assert_allclose(model.train_on_batch(x, y), expected, rtol=1e-5)
    assert list(model.evaluate(x, y, verbose=0, return_dict=True)) == [
        "loss", "root_mean_squared_error", "mae"]  # fmt: skip


def test_output_losses_come_in_output_order():
    x, y = _regression()
    inputs = plexus.Input(shape=(3,))
    outputs = [layers.Dense(1, kernel_initializer="zeros", name=n)(inputs) for n in
               ("zeta", "alpha", "mid")]  # fmt: skip
    model = plexus.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    targets = [y, 2 * y, 3 * y]
    got = model.evaluate(x, targets, verbose=0)
    per_output = [np.mean(t**2) for t in targets]
    np.testing.assert_allclose(got, [sum(per_output), *per_output], rtol=1e-5)


def test_two_metrics_of_one_name_keep_both_values():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = plexus.Sequential([plexus.Input(shape=(3,)),
                               layers.Dense(1, activation="sigmoid", kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=[metrics.AUC(), metrics.AUC(curve="PR")])  # fmt: skip
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "auc", "auc_1"]
    # Each equals the value it has when compiled alone.
    alone = []
    for metric in (metrics.AUC(), metrics.AUC(curve="PR")):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[metric])
        alone.append(model.evaluate(x, y, verbose=0, return_dict=True)["auc"])
    np.testing.assert_allclose([logs["auc"], logs["auc_1"]], alone, rtol=1e-6)
    assert alone[0] != alone[1]


def test_several_outputs_list_their_metrics_sorted_by_name_after_the_losses():
    # Keras 3.15 with outputs zeta, alpha and metrics [["mape", "mae"], ["mape", "mae"]]:
    # ['loss', 'zeta_loss', 'alpha_loss', 'alpha_mae', 'alpha_mape', 'zeta_mae', 'zeta_mape'].
    x, y = _regression()
    inputs = plexus.Input(shape=(3,))
    outputs = [layers.Dense(1, kernel_initializer="zeros", name=n)(inputs) for n in
               ("zeta", "alpha")]  # fmt: skip
    model = plexus.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse", metrics=[["mape", "mae"], ["mape", "mae"]])
    targets = [y, 3 * y + 1]
    got = model.evaluate(x, targets, verbose=0)
    # The model predicts 0: mse = mean(t²), mae = mean(|t|), mape = 100·mean(|t| / |t|).
    zeta, alpha = [(np.mean(t**2), np.mean(np.abs(t)), 100.0) for t in targets]
    expected = [zeta[0] + alpha[0], zeta[0], alpha[0], alpha[1], alpha[2], zeta[1], zeta[2]]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert list(model.evaluate(x, targets, verbose=0, return_dict=True)) == [
        "loss", "zeta_loss", "alpha_loss", "alpha_mae", "alpha_mape", "zeta_mae", "zeta_mape"]


def test_dict_outputs_sort_their_metrics_by_key_as_keras_does():
    # Keras 3.15 with outputs {"z": layer "first", "a": layer "second"}:
    # ['loss', 'z_loss', 'a_loss', 'a_mae', 'z_mae'] (sorted by the keys, not the layers).
    x, y = _regression()
    inputs = plexus.Input(shape=(3,))
    model = plexus.Model(inputs, {
        "z": layers.Dense(1, kernel_initializer="zeros", name="first")(inputs),
        "a": layers.Dense(1, kernel_initializer="zeros", name="second")(inputs)})  # fmt: skip
    model.compile(optimizer="sgd", loss={"z": "mse", "a": "mse"},
                  metrics={"z": ["mae"], "a": ["mae"]})  # fmt: skip
    targets = {"z": y, "a": 3 * y}
    got = model.evaluate(x, targets, verbose=0)
    z, a = np.mean(y**2), np.mean((3 * y) ** 2)
    expected = [z + a, z, a, np.mean(np.abs(3 * y)), np.mean(np.abs(y))]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert list(model.evaluate(x, targets, verbose=0, return_dict=True)) == [
        "loss", "z_loss", "a_loss", "a_mae", "z_mae"]


def test_a_loss_dict_orders_the_output_losses_and_a_flat_list_pairs_metrics_by_position():
    # Keras 3.15: outputs {"reg": ..., "cls": ...} compiled with loss {"cls": ..., "reg": ...}
    # list ['loss', 'cls_loss', 'reg_loss', 'cls_mae', 'reg_mae'] (the loss dict's order,
    # then the metrics by name); metrics=["mse", "mae"] for two outputs gives each its own.
    x, y = _regression()
    inputs = plexus.Input(shape=(3,))
    model = plexus.Model(inputs, {
        "reg": layers.Dense(1, kernel_initializer="zeros", name="reg")(inputs),
        "cls": layers.Dense(1, kernel_initializer="zeros", name="cls")(inputs)})  # fmt: skip
    model.compile(optimizer="sgd", loss={"cls": "mse", "reg": "mse"},
                  metrics={"reg": ["mae"], "cls": ["mae"]})  # fmt: skip
    targets = {"reg": y, "cls": 2 * y}
    assert list(model.evaluate(x, targets, verbose=0, return_dict=True)) == [
        "loss", "cls_loss", "reg_loss", "cls_mae", "reg_mae"]
    reg, cls = np.mean(y**2), np.mean((2 * y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, targets, verbose=0),
                               [reg + cls, cls, reg, np.mean(np.abs(2 * y)), np.mean(np.abs(y))],
                               rtol=1e-5)  # fmt: skip
    listed = plexus.Model(inputs, [model.get_layer("reg").output, model.get_layer("cls").output])
    listed.compile(optimizer="sgd", loss="mse", metrics=["mse", "mae"])
    assert list(listed.evaluate(x, [y, 2 * y], verbose=0, return_dict=True)) == [
        "loss", "reg_loss", "cls_loss", "cls_mae", "reg_mse"]
