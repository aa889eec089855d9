import Foundation
import Plexus

/// The loss and metric parity fixtures that `Tests/Fixtures/KerasLosses/generate.sh` writes
/// with Keras 3 (`loss_<case>.json`, `metric_<case>.json`), found from this file's path so that
/// tests need neither Python nor a working directory.
enum KerasLossFixtures {
  /// Every value must lie within `tolerance · max(|keras|, 1)` of Keras's (float64) value.
  static let tolerance = 1e-5

  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Losses
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasLosses")

  /// A tensor as the fixtures hold it.
  struct Values: Sendable {
    let shape: Shape
    let values: [Double]

    /// The values in `dtype` (float32, or float64 holding the same float32 values, which are
    /// what Keras computed on; the file spells them to 9 digits).
    func tensor(_ dtype: DType = .float32) throws -> Tensor {
      let floats = values.map { Float($0) }
      return dtype == .float64
        ? try Tensor(floats.map(Double.init), shape: shape) : try Tensor(floats, shape: shape)
    }
  }

  /// One batch of a loss case: the inputs, Keras's loss and its gradient w.r.t. `yPred`.
  struct LossCall: Sendable {
    let yTrue: Values
    let yPred: Values
    let sampleWeight: Values?
    let value: Values
    let gradient: Values
  }

  /// A loss case: the serialized loss, the constructor arguments Keras's config may leave out,
  /// and the batches.
  struct LossCase: Sendable {
    let loss: ConfigValue
    let kwargs: [String: ConfigValue]
    let calls: [LossCall]

    /// The serialized loss with every constructor argument in its config.
    var fullConfig: ConfigValue {
      guard case .object(var members) = loss, case .object(let config)? = members["config"]
      else { return loss }
      members["config"] = .object(config.merging(kwargs) { $1 })
      return .object(members)
    }
  }

  /// One batch of a metric case: the inputs and Keras's result after it.
  struct MetricUpdate: Sendable {
    let yTrue: Values
    let yPred: Values
    let sampleWeight: Values?
    let result: Values
  }

  /// A metric case: the serialized metric and its batches.
  struct MetricCase: Sendable {
    let metric: ConfigValue
    let updates: [MetricUpdate]
  }

  /// The case names with `prefix` (`"loss_"`, `"metric_"`), sorted, without it.
  static func names(_ prefix: String) -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
      .map { String($0.dropFirst(prefix.count).dropLast(5)) }.sorted()
  }

  static func loss(_ name: String) throws -> LossCase {
    let root = try read("loss_" + name)
    let calls = try (root["calls"]?.arrayValue ?? []).enumerated().map { index, call in
      let what = "loss_\(name) call \(index)"
      return LossCall(
        yTrue: try values(call["y_true"], "\(what) y_true"),
        yPred: try values(call["y_pred"], "\(what) y_pred"),
        sampleWeight: try optional(call["sample_weight"], "\(what) sample_weight"),
        value: try values(call["value"], "\(what) value"),
        gradient: try values(call["gradient"], "\(what) gradient"))
    }
    guard let loss = root["loss"], let kwargs = root["kwargs"]?.objectValue, !calls.isEmpty else {
      throw failure("loss_\(name)", "lacks loss, kwargs or calls")
    }
    return LossCase(loss: loss, kwargs: kwargs, calls: calls)
  }

  static func metric(_ name: String) throws -> MetricCase {
    let root = try read("metric_" + name)
    let updates = try (root["updates"]?.arrayValue ?? []).enumerated().map { index, update in
      let what = "metric_\(name) update \(index)"
      return MetricUpdate(
        yTrue: try values(update["y_true"], "\(what) y_true"),
        yPred: try values(update["y_pred"], "\(what) y_pred"),
        sampleWeight: try optional(update["sample_weight"], "\(what) sample_weight"),
        result: try values(update["result"], "\(what) result"))
    }
    guard let metric = root["metric"], !updates.isEmpty else {
      throw failure("metric_\(name)", "lacks metric or updates")
    }
    return MetricCase(metric: metric, updates: updates)
  }

  /// The largest `|plexus - keras| / max(|keras|, 1)` over the elements, or infinity when the
  /// counts differ or exactly one side is NaN (`Swift.max` would drop a NaN).
  static func error(_ plexus: [Double], _ keras: [Double]) -> Double {
    guard plexus.count == keras.count else { return .infinity }
    return zip(plexus, keras).reduce(0) { worst, pair in
      if pair.0.isNaN && pair.1.isNaN { return worst }
      if pair.0.isNaN || pair.1.isNaN { return .infinity }
      return Swift.max(worst, Swift.abs(pair.0 - pair.1) / Swift.max(Swift.abs(pair.1), 1))
    }
  }

  private static func read(_ file: String) throws -> ConfigValue {
    let url = directory.appendingPathComponent(file + ".json")
    return try ConfigValue(json: String(contentsOf: url, encoding: .utf8))
  }

  private static func failure(_ file: String, _ what: String) -> PlexusError {
    PlexusError.invalidState(context: "fixture \(file)", message: what)
  }

  private static func optional(_ value: ConfigValue?, _ what: String) throws -> Values? {
    guard let value, !value.isNull else { return nil }
    return try values(value, what)
  }

  private static func values(_ value: ConfigValue?, _ what: String) throws -> Values {
    guard let dims = value?["shape"]?.shapeValue, let entries = value?["values"]?.arrayValue
    else { throw failure(what, "is not a tensor") }
    let numbers = entries.compactMap(\.doubleValue)
    guard numbers.count == entries.count, numbers.count == Shape(dims).elementCount else {
      throw failure(what, "holds \(entries.count) values for shape \(dims)")
    }
    return Values(shape: Shape(dims), values: numbers)
  }
}
