"""Metrics against hand-computed values, including the guide's tfe.metrics.Mean."""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import metrics
from eagerflow.keras.metrics import tfe_metrics


def test_guide_tfe_mean():
    m = tfe_metrics.Mean("loss")
    m(0)
    m(5)
    assert float(m.result()) == 2.5
    m([8, 9])
    result = m.result()
    assert float(result) == 5.5 and result.dtype == tf.float64
    assert m.name == "loss"


def test_mean_weighted_reset_and_variables():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    assert float(m.result()) == 2.0
    m.update_state([[10.0]], sample_weight=[[2.0]])
    assert float(m.result()) == pytest.approx((1 + 3 + 20) / 4)
    assert [v.name for v in m.variables] == ["mean/total:0", "mean/count:0"]
    assert all(not v.trainable for v in m.variables)
    m.reset_state()
    assert float(m.result()) == 0.0  # no NaN on empty
    m.reset_states()
    assert m.result().dtype == tf.float32


def test_sum():
    m = metrics.Sum()
    assert float(m([1.0, 3.0, 5.0])) == 9.0
    assert float(m(1.0, sample_weight=2.0)) == 11.0


def test_per_sample_weights_on_rows_of_values():
    # (batch,) weights on (batch, n) values weight each row (tf.keras 2 and Keras 3 agree).
    values = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    m = metrics.Mean()
    m.update_state(values, sample_weight=[1.0, 3.0])
    assert float(m.result()) == pytest.approx((2.0 * 1 + 5.0 * 3) / 4)
    s = metrics.Sum()
    s.update_state(values, sample_weight=[1.0, 3.0])
    assert float(s.result()) == 6.0 * 1 + 15.0 * 3
    mse = metrics.MeanSquaredError()  # per-sample losses (2,) with (2, 1) weights
    mse.update_state([[0.0], [0.0]], [[1.0], [2.0]], sample_weight=[[1.0], [3.0]])
    assert float(mse.result()) == pytest.approx((1.0 + 4.0 * 3) / 4)


def test_accuracies_by_hand():
    assert float(metrics.Accuracy()([1, 2, 3, 4], [0, 2, 3, 4])) == 0.75
    assert float(metrics.BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])) == 0.75
    assert float(metrics.BinaryAccuracy(threshold=0.7)([[1], [0]], [[0.6], [0.6]])) == 0.5
    y_true = [[0, 0, 1], [0, 1, 0]]
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    assert float(metrics.CategoricalAccuracy()(y_true, y_pred)) == 0.5
    assert float(metrics.TopKCategoricalAccuracy(k=1)(y_true, y_pred)) == 0.5
    assert float(metrics.TopKCategoricalAccuracy(k=2)(y_true, y_pred)) == 1.0
    sparse = metrics.SparseCategoricalAccuracy()
    assert float(sparse([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])) == 0.5
    # weighted: only the correct sample counts
    sparse.reset_state()
    sparse.update_state([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.0, 1.0])
    assert float(sparse.result()) == 1.0
    top2 = metrics.SparseTopKCategoricalAccuracy(k=2)
    assert float(top2([0, 2], [[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])) == 0.5


def test_precision_recall_by_hand():
    # predictions > 0.5: [1, 0, 1, 1]; labels [0, 1, 1, 1] -> tp=2, fp=1, fn=1
    y_true, y_pred = [0, 1, 1, 1], [1, 0, 1, 1]
    assert float(metrics.Precision()(y_true, y_pred)) == pytest.approx(2 / 3)
    assert float(metrics.Recall()(y_true, y_pred)) == pytest.approx(2 / 3)
    p = metrics.Precision(thresholds=[0.1, 0.95])
    result = p([0, 1, 1, 1], [0.2, 0.5, 0.99, 0.9])
    np.testing.assert_allclose(result.numpy(), [0.75, 1.0])
    r = metrics.Recall(class_id=1)
    assert float(r([[0, 1], [0, 1], [1, 0]], [[0.2, 0.8], [0.7, 0.3], [0.4, 0.6]])) == 0.5
    weighted = metrics.Precision()
    weighted.update_state([0, 1], [1, 1], sample_weight=[3.0, 1.0])
    assert float(weighted.result()) == 0.25
    with pytest.raises(ValueError, match="thresholds"):
        metrics.Precision(thresholds=2.0)


def test_auc_roc_by_hand():
    # thresholds [-eps, 0.5, 1+eps]: ROC points (1, 1), (0, 0.5), (0, 0); trapezoids give 0.75
    m = metrics.AUC(num_thresholds=3)
    assert float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])) == pytest.approx(0.75)
    perfect = metrics.AUC()
    assert float(perfect([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0, abs=1e-6)
    inverted = metrics.AUC()
    assert float(inverted([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])) == pytest.approx(0.0, abs=1e-6)


def test_auc_pr_and_riemann_sums():
    y_true, y_pred = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    roc = float(metrics.AUC(num_thresholds=1000)(y_true, y_pred))
    assert roc == pytest.approx(0.75, abs=1e-3)  # 3 of 4 positive-negative pairs ordered
    lo = float(metrics.AUC(num_thresholds=1000, summation_method="minoring")(y_true, y_pred))
    hi = float(metrics.AUC(num_thresholds=1000, summation_method="majoring")(y_true, y_pred))
    assert lo <= roc <= hi
    pr = float(metrics.AUC(num_thresholds=1000, curve="PR")(y_true, y_pred))
    # average precision: precision 1 at recall 0.5, then 2/3 at recall 1 -> ~0.83
    assert 0.75 < pr < 0.9
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")


def test_mean_squared_error_metric_and_wrapper():
    m = metrics.MeanSquaredError()
    assert float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]])) == 0.25
    wrapper = metrics.MeanMetricWrapper(metrics.mean_absolute_error, name="mae")
    assert float(wrapper([[0.0, 1.0]], [[1.0, 1.0]])) == 0.5
    assert wrapper.name == "mae"


def test_get_and_config():
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert metrics.get("accuracy") is metrics.accuracy
    restored = metrics.deserialize(metrics.serialize(metrics.BinaryAccuracy(threshold=0.3)))
    assert isinstance(restored, metrics.BinaryAccuracy)
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get("nope")


def test_precision_recall_top_k():
    # Keras's documented case: top 2 of four tied scores are the first two, both negatives.
    assert float(metrics.Precision(top_k=2)([0, 0, 1, 1], [1, 1, 1, 1])) == 0.0
    p = metrics.Precision(top_k=2)
    assert float(p([[0, 0, 1, 1]], [[0.1, 0.2, 0.9, 0.8]])) == 1.0
    r = metrics.Recall(top_k=1)
    assert float(r([[0, 0, 1, 1]], [[0.1, 0.2, 0.9, 0.8]])) == 0.5
    with pytest.raises(ValueError, match="top_k"):
        metrics.Recall(top_k=0)


def test_precision_recall_top_k_counts_low_scores_as_positive():
    # Keras: with top_k and no thresholds, every top-k entry is a positive prediction, however
    # small its score (the default threshold is -inf, not 0.5). Row 1: top 2 = classes 2, 3
    # (label 3: one tp, one fp); row 2: top 2 = classes 0, 1 (label 2: one fn, two fp).
    y_true = [[0, 0, 0, 1], [0, 0, 1, 0]]
    y_pred = [[0.1, 0.05, 0.3, 0.2], [0.3, 0.25, 0.2, 0.1]]
    assert float(metrics.Recall(top_k=2)(y_true, y_pred)) == 0.5  # tp 1, fn 1
    assert float(metrics.Precision(top_k=2)(y_true, y_pred)) == 0.25  # tp 1, fp 3
    # explicit thresholds still apply after the top-k filter
    assert float(metrics.Recall(top_k=2, thresholds=0.25)(y_true, y_pred)) == 0.0


def test_confusion_metrics_apply_per_sample_weights_to_every_class():
    # (batch,) weights on (batch, classes) labels weight whole rows, as in Keras.
    y_true = [[0, 1], [1, 0]]
    y_pred = [[0.2, 0.9], [0.3, 0.8]]  # row 0: tp at class 1; row 1: fn at 0, fp at 1
    weights = [1.0, 3.0]
    assert float(metrics.Recall()(y_true, y_pred, sample_weight=weights)) == 0.25
    assert float(metrics.Precision()(y_true, y_pred, sample_weight=weights)) == 0.25
    assert float(metrics.Precision(class_id=1)(y_true, y_pred, sample_weight=weights)) == 0.25
    assert float(metrics.Recall(class_id=0)(y_true, y_pred, sample_weight=weights)) == 0.0
    assert float(metrics.FalseNegatives()(y_true, y_pred, sample_weight=weights)) == 3.0


def test_confusion_counts_by_hand():
    y_true, y_pred = [0, 1, 1, 1, 0], [1, 0, 1, 1, 0.2]
    assert float(metrics.TruePositives()(y_true, y_pred)) == 2.0
    assert float(metrics.FalsePositives()(y_true, y_pred)) == 1.0
    assert float(metrics.TrueNegatives()(y_true, y_pred)) == 1.0
    assert float(metrics.FalseNegatives()(y_true, y_pred)) == 1.0
    per_threshold = metrics.TruePositives(thresholds=[0.1, 0.95])([0, 1, 1], [0.2, 0.5, 0.99])
    np.testing.assert_array_equal(per_threshold.numpy(), [2.0, 1.0])
    weighted = metrics.FalsePositives()
    weighted.update_state([0, 0], [1, 1], sample_weight=[2.0, 0.5])
    assert float(weighted.result()) == 2.5


def test_more_regression_metrics_by_hand():
    rmse = metrics.RootMeanSquaredError()
    assert float(rmse([[0, 1], [0, 0]], [[1, 1], [0, 0]])) == pytest.approx(0.5)
    cos = metrics.CosineSimilarity()
    assert float(cos([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])) == pytest.approx(0.5)
    mape = metrics.MeanAbsolutePercentageError()
    assert float(mape([[2.0, 4.0]], [[1.0, 5.0]])) == pytest.approx(37.5)
    hinge = metrics.Hinge()
    assert float(hinge([[1.0, -1.0]], [[0.5, 0.5]])) == pytest.approx((0.5 + 1.5) / 2)
    assert metrics.get("logcosh") is metrics.log_cosh
    assert isinstance(metrics.get("KLDivergence"), metrics.KLDivergence)


def test_tfe_accuracy_metrics_are_float64():
    acc = tfe_metrics.SparseAccuracy()
    acc([1, 0], [[0.2, 0.8], [0.3, 0.7]])
    assert acc.result().dtype == tf.float64 and float(acc.result()) == 0.5
    cat = tfe_metrics.CategoricalAccuracy()
    cat([[0, 1]], [[0.2, 0.8]])
    assert float(cat.result()) == 1.0
    binary = tfe_metrics.BinaryAccuracy(threshold=0.7)
    binary([[1.0], [0.0]], [[0.8], [0.75]])
    assert float(binary.result()) == 0.5
    plain = tfe_metrics.Accuracy()
    plain([1, 2], [1, 3])
    assert float(plain.result()) == 0.5
