import BackendProtocol

/// Work a step does on the host between its ops, reading some buffers and writing others, that
/// a compiled step records and replays in its place: the all-reduce of a data-parallel step.
///
/// It runs where it was called in the step, after every op before it and before every op
/// after it, with the buffers the replay resolves (arena, variables, inputs, constants).
protocol HostCollective: AnyObject, Sendable {
  /// The name plans and errors show (`"all_reduce_gradients"`).
  var name: String { get }
  /// Runs once: reads `inputs`, writes every element of `outputs`.
  func run(inputs: [TensorBuffer], outputs: [TensorBuffer]) throws
}

extension Dispatcher {
  /// Runs `collective` on `inputs` into new outputs of these dtypes and shapes; recorded in a
  /// capture, so that a replay runs it in the same place.
  static func runCollective(
    _ collective: any HostCollective, _ inputs: [TensorBuffer],
    outputs: [(dtype: DType, shape: Shape)]
  ) throws -> [TensorBuffer] {
    let made = try outputs.map { try TensorBuffer.allocate($0.dtype, $0.shape) }
    try collective.run(inputs: inputs, outputs: made)
    if let recorder = scope.recorder {
      recorder.append(collective, inputs: inputs, outputs: made)
    } else {
      markUnrecorded(made)
    }
    return made
  }
}
