/// A model handed over for inference from many tasks at once: `Sendable`, with `predict` and
/// calls in inference mode only, as an ONNX Runtime session's `Run` is safe from many threads.
///
/// ```swift
/// let shared = SharedModel(model)  // `model` cannot be used after this line
/// try await withThrowingTaskGroup(of: Tensor.self) { group in
///   for batch in batches { group.addTask { try shared.predict(batch) } }
///   for try await output in group { consume(output) }
/// }
/// ```
///
/// ``Model`` is not `Sendable`: training mutates it, so the compiler keeps it in one task at a
/// time and `fit` gets the exclusive use it needs. Sharing it takes the model (`sending`): the
/// compiler rejects any later use of `model` or its layers by the code that handed it over, so
/// nothing can train it while tasks run it. Calling a model in inference mode only reads its
/// weights; the base ``Layer`` keeps its bookkeeping behind a lock and builds an unbuilt model
/// once, however many tasks call it first. A layer that writes state of its own in
/// `call(_:training:)` with `training: false` must protect it itself.
public final class SharedModel: Sendable {
  // Only reached through the inference entry points below, which the base classes make safe
  // from many threads; no reference to it escapes (the initializer takes it as `sending`).
  nonisolated(unsafe) private let model: Model

  /// The model's name.
  public let name: String

  /// Takes `model` for shared inference.
  public init(_ model: sending Model) {
    self.name = model.name
    self.model = model
  }

  /// The model's output for `x`, in batches. Equivalent to Keras's `Model.predict`.
  public func predict(_ x: Tensor, batchSize: Int = 32) throws -> Tensor {
    try model.predict(x, batchSize: batchSize)
  }

  /// Every output for several inputs, in batches.
  public func predict(_ x: [Tensor], batchSize: Int = 32) throws -> [Tensor] {
    try model.predict(x, batchSize: batchSize)
  }

  /// The model's output for one batch, in inference mode.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try model.predictOnBatch(x)
  }

  /// Every output for one batch of several inputs, in inference mode.
  public func callAsFunction(multiple inputs: [Tensor]) throws -> [Tensor] {
    try model.withModelBackend { try model.forward(inputs, training: false) }
  }

}
