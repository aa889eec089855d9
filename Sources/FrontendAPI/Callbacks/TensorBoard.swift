import Foundation

/// Writes TensorBoard logs: each epoch's metrics (`epoch_loss`, `epoch_accuracy`,
/// `epoch_learning_rate`) under `logDir/train` and the validation ones (without `val_`) under
/// `logDir/validation`; with an integer `updateFreq`, every n-th batch's metrics
/// (`batch_loss`); with `histogramFreq`, every weight's histogram; with `writeGraph`, the
/// model's Keras config for the graph plugin. The files are TFRecord event files that
/// TensorBoard reads; no TensorFlow is needed.
///
/// ```swift
/// try TensorBoard(logDir: "logs/run1", histogramFreq: 1, updateFreq: .batches(10))
/// ```
/// Equivalent to `keras.callbacks.TensorBoard` (without images, embeddings or profiling).
public final class TensorBoard: Callback {
  /// Under ``DataParallel``, process 0 alone writes.
  public var runsOnChiefOnly: Bool { true }

  /// How often batch metrics are written: never (`.epoch`) or every `n` batches.
  public typealias UpdateFrequency = ModelCheckpoint.SaveFrequency

  public weak var model: Model?
  /// The directory of the run; `train/` and `validation/` go in it.
  public let logDir: String
  /// Every how many epochs the weights' histograms are written (0: never).
  public let histogramFreq: Int
  /// Whether to write the model's graph (its Keras config).
  public let writeGraph: Bool
  /// When batch metrics are written.
  public let updateFreq: UpdateFrequency

  private var trainWriter: EventFileWriter?
  private var validationWriter: EventFileWriter?
  private var globalTrainBatch = 0
  private var graphWritten = false

  /// Creates the callback with Keras's defaults; throws for a negative `histogramFreq` or an
  /// update frequency below 1.
  public init(
    logDir: String = "logs", histogramFreq: Int = 0, writeGraph: Bool = true,
    updateFreq: UpdateFrequency = .epoch
  ) throws {
    guard histogramFreq >= 0 else {
      throw PlexusError.invalidArgument(
        context: "TensorBoard", message: "histogramFreq must be ≥ 0, received \(histogramFreq)")
    }
    if case .batches(let count) = updateFreq, count < 1 {
      throw PlexusError.invalidArgument(
        context: "TensorBoard",
        message: "updateFreq must be .epoch or .batches(n) with n ≥ 1, received .batches(\(count))")
    }
    self.logDir = logDir
    self.histogramFreq = histogramFreq
    self.writeGraph = writeGraph
    self.updateFreq = updateFreq
  }

  private func train() throws -> EventFileWriter {
    if let trainWriter { return trainWriter }
    let writer = try EventFileWriter(directory: logDir + "/train")
    trainWriter = writer
    return writer
  }

  private func validation() throws -> EventFileWriter {
    if let validationWriter { return validationWriter }
    let writer = try EventFileWriter(directory: logDir + "/validation")
    validationWriter = writer
    return writer
  }

  public func onTrainBegin(logs: [String: Double]) throws {
    globalTrainBatch = 0
    // Keras writes the graph when the model is set, once per callback and model.
    if writeGraph, !graphWritten, let model {
      try train().text(
        "keras", model.toJSON(), plugin: "graph_keras_model", content: Array("1".utf8), step: 0)
      graphWritten = true
    }
  }

  public func onTrainEnd(logs: [String: Double]) throws {
    try trainWriter?.close()
    try validationWriter?.close()
    trainWriter = nil
    validationWriter = nil
  }

  public func onTrainBatchBegin(_ batch: Int, logs: [String: Double]) throws {
    globalTrainBatch += 1
  }

  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    guard case .batches(let frequency) = updateFreq, globalTrainBatch % frequency == 0 else {
      return
    }
    let writer = try train()
    for (name, value) in logs.sorted(by: { $0.key < $1.key }) {
      try writer.scalar("batch_" + name, value, step: globalTrainBatch)
    }
  }

  public func onTestBatchBegin(_ batch: Int, logs: [String: Double]) throws {
  }

  public func onTestEnd(logs: [String: Double]) throws {
    guard let optimizer = model?.optimizer else { return }
    let writer = try validation()
    for (name, value) in logs.sorted(by: { $0.key < $1.key }) {
      try writer.scalar("evaluation_\(name)_vs_iterations", value, step: optimizer.iterations)
    }
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    try logEpochMetrics(epoch, logs)
    if histogramFreq > 0 && epoch % histogramFreq == 0 { try logWeights(epoch) }
    try trainWriter?.flush()
    try validationWriter?.flush()
  }

  private func logEpochMetrics(_ epoch: Int, _ logs: [String: Double]) throws {
    guard !logs.isEmpty else { return }
    var trainLogs = logs.filter { !$0.key.hasPrefix("val_") }
    let validationLogs = logs.filter { $0.key.hasPrefix("val_") }
    if let optimizer = model?.optimizer {
      trainLogs["learning_rate"] = Double(Float(optimizer.learningRate))
    }
    if !trainLogs.isEmpty {
      let writer = try train()
      for (name, value) in trainLogs.sorted(by: { $0.key < $1.key }) {
        try writer.scalar("epoch_" + name, value, step: epoch)
      }
    }
    if !validationLogs.isEmpty {
      let writer = try validation()
      for (name, value) in validationLogs.sorted(by: { $0.key < $1.key }) {
        try writer.scalar("epoch_" + name.dropFirst(4), value, step: epoch)
      }
    }
  }

  /// Each layer's weights as `<layer>/<weight>/histogram`, as Keras tags them.
  private func logWeights(_ epoch: Int) throws {
    guard let model else { return }
    let writer = try train()
    for layer in model.layers {
      for weight in layer.weights {
        let values = try Tensor(weight.buffer).cast(to: .float64).scalars(Double.self)
        let tag = "\(layer.name)/\(weight.name)".replacingOccurrences(of: ":", with: "_")
        try writer.histogram(tag + "/histogram", .init(values), step: epoch)
      }
    }
  }
}
