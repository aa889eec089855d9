/// What a `px_logs` handle holds: names, in order, each with its values.
final class LogsHandle {
  let entries: [(name: String, values: [Double])]

  init(_ entries: [(name: String, values: [Double])]) {
    self.entries = entries
  }

  /// Logs with one value per name, in Keras's order.
  convenience init(single logs: [String: Double]) {
    self.init(Self.ordered(logs.keys).map { ($0, [logs[$0] ?? .nan]) })
  }

  /// Logs with a list of values per name (a history), in Keras's order.
  convenience init(history: [String: [Double]]) {
    self.init(Self.ordered(history.keys).map { ($0, history[$0] ?? []) })
  }

  /// Keras's order of log names: the loss first, the metrics by name, then the same for
  /// validation.
  static func ordered(_ names: some Collection<String>) -> [String] {
    names.sorted { a, b in
      let (va, vb) = (a.hasPrefix("val_"), b.hasPrefix("val_"))
      if va != vb { return vb }
      let (la, lb) = (a.hasSuffix("loss"), b.hasSuffix("loss"))
      if la != lb { return la }
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
