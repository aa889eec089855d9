/// The metrics whose Keras class name is also a loss's (`keras.metrics.MeanAbsoluteError` next
/// to `keras.losses.MeanAbsoluteError`). The loss keeps the plain name; the metric lives here:
///
/// ```swift
/// try model.compile(
///   optimizer: "adam", loss: MeanAbsoluteError(), metrics: [Metrics.MeanAbsoluteError()])
/// ```
///
/// Every other metric (``Precision``, ``AUC``) has its plain name. String names and configs
/// resolve either way (`"mae"`, `{"class_name": "MeanAbsoluteError", ...}`).
public enum Metrics {}
