/// What a `px_logs` handle holds: names, in order, each with its values.
final class LogsHandle {
  let entries: [(name: String, values: [Double])]

  init(_ entries: [(name: String, values: [Double])]) {
    self.entries = entries
  }

  /// Logs with one value per name in the order of Keras's `evaluate` list (`order`: the
  /// model's ``Model/metricsNames``).
  convenience init(single logs: [String: Double], order: [String]) {
    self.init(Self.ordered(logs.keys, by: order).map { ($0, [logs[$0] ?? .nan]) })
  }

  /// Logs with a list of values per name (a history): the names ending in `loss` first, then
  /// the others, each by name, then the same for validation.
  convenience init(history: [String: [Double]]) {
    self.init(Self.ordered(history.keys).map { ($0, history[$0] ?? []) })
  }

  /// Log names in order: the training names, then the same for validation (`val_`); each the
  /// names of `order` first, in its order (for `evaluate`'s list, the model's
  /// ``Model/metricsNames``: the loss, the outputs' losses, then the metrics, in compile order
  /// for one output and by name for several), then the others, those ending in `loss` first,
  /// by name.
  static func ordered(_ names: some Collection<String>, by order: [String] = []) -> [String] {
    let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    func key(_ name: String) -> (validation: Bool, rank: Int, loss: Bool) {
      let validation = name.hasPrefix("val_")
      let base = validation ? String(name.dropFirst(4)) : name
      return (validation, rank[base] ?? Int.max, name.hasSuffix("loss"))
    }
    return names.sorted { a, b in
      let (ka, kb) = (key(a), key(b))
      if ka.validation != kb.validation { return kb.validation }
      if ka.rank != kb.rank { return ka.rank < kb.rank }
      if ka.loss != kb.loss { return ka.loss }
      return a < b
    }
  }

  /// The handle object behind a live `px_logs` handle.
  static func box(_ handle: OpaquePointer?, in function: String) throws -> LogsHandle {
    let object = try HandleTable.shared.object(
      handle, kind: .logs, argument: "logs", function: function)
    guard let box = object as? LogsHandle else {
      throw invalidArgument(function, "logs is not a px_logs handle")
    }
    return box
  }
}
