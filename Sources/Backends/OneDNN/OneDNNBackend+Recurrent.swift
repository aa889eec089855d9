import BackendProtocol

/// Keras's LSTM through oneDNN's LSTM primitives (``RecurrentPlan``), forward and backward,
/// each created once per size and direction. The batch is cut into one part per core (the
/// sequences are independent), each part a single-threaded primitive on ``WorkerPool/shared``;
/// the weights' gradients of the parts are added in part order, so a result depends on the
/// machine's core count only, never on the thread setting.
extension OneDNNBackend: RecurrentKernels {
  public func lstm(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, initialCell: TensorBuffer, goBackwards: Bool,
    _ sequence: TensorBuffer
  ) throws {
    let inputs = [x, kernel, recurrentKernel, bias, initialOutput, initialCell]
    let layout = try checkRecurrent(.lstm, inputs, [sequence], goBackwards)
    let (n, t, u) = (layout.batch, layout.steps, layout.units)
    guard n > 0 else { return }
    // oneDNN's outputs, each step's at its input's step, then packed as Keras orders them.
    let outputs = try TensorBuffer.allocate(.float32, [n, t, u])
    let last = try TensorBuffer.allocate(.float32, [n, u])
    let lastCell = try TensorBuffer.allocate(.float32, [n, u])
    let parts = Self.recurrentParts(batch: n)
    try runParts(parts.count) { index in
      let (lower, upper) = parts[index]
      let plan = RecurrentPlan(
        op: .lstm, batch: upper - lower, steps: t, features: layout.features, units: u,
        goBackwards: goBackwards)
      let rows = [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(bias, 0), Self.rows(initialOutput, lower), Self.rows(initialCell, lower),
        Self.rows(outputs, lower), Self.rows(last, lower), Self.rows(lastCell, lower),
      ]
      try run(.lstm, variant: 0, sizes: plan.key, rows) { try plan.plan() }
    }
    let (from, to, cell) = (
      outputs.pointer(Float.self), sequence.pointer(Float.self), lastCell.pointer(Float.self)
    )
    for b in 0..<n {
      for k in 0..<t {
        let step = goBackwards ? t - 1 - k : k
        (to + (b * (t + 1) + k) * u).update(from: from + (b * t + step) * u, count: u)
      }
      (to + (b * (t + 1) + t) * u).update(from: cell + b * u, count: u)
    }
  }

  public func lstmGradient(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, initialCell: TensorBuffer, upstream: TensorBuffer,
    goBackwards: Bool, gradients: [TensorBuffer]
  ) throws {
    let inputs = [x, kernel, recurrentKernel, bias, initialOutput, initialCell, upstream]
    let layout = try checkRecurrent(.lstmGradient, inputs, gradients, goBackwards)
    let (n, t, u) = (layout.batch, layout.steps, layout.units)
    // The weights' gradients are sums over the batch, which oneDNN adds to: zero first.
    for gradient in gradients[1...3] {
      gradient.storage.base.initializeMemory(
        as: UInt8.self, repeating: 0, count: gradient.count * 4)
    }
    guard n > 0 else { return }
    // The upstream gradient unpacked: each step's at its input's step, the last cell state's
    // apart; the last output's is already in its step's row.
    let outputs = try TensorBuffer.allocate(.float32, [n, t, u])
    let lastCell = try TensorBuffer.allocate(.float32, [n, u])
    let last = try TensorBuffer.allocate(.float32, [n, u])
    last.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: n * u * 4)
    let (from, to, cell) = (
      upstream.pointer(Float.self), outputs.pointer(Float.self), lastCell.pointer(Float.self)
    )
    for b in 0..<n {
      for k in 0..<t {
        let step = goBackwards ? t - 1 - k : k
        (to + (b * t + step) * u).update(from: from + (b * (t + 1) + k) * u, count: u)
      }
      (cell + b * u).update(from: from + (b * (t + 1) + t) * u, count: u)
    }
    let parts = Self.recurrentParts(batch: n)
    // Part 0 adds its weights' gradients into the outputs, each other part into buffers of
    // its own, added after in part order.
    let partial = try (1..<parts.count).map { _ in
      try gradients[1...3].map { gradient in
        let buffer = try TensorBuffer.allocate(.float32, gradient.shape)
        buffer.storage.base.initializeMemory(
          as: UInt8.self, repeating: 0, count: gradient.count * 4)
        return buffer
      }
    }
    try runParts(parts.count) { index in
      let (lower, upper) = parts[index]
      let plan = RecurrentPlan(
        op: .lstmGradient, batch: upper - lower, steps: t, features: layout.features, units: u,
        goBackwards: goBackwards)
      let weights = index == 0 ? Array(gradients[1...3]) : partial[index - 1]
      let rows = [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(bias, 0), Self.rows(initialOutput, lower), Self.rows(initialCell, lower),
        Self.rows(outputs, lower), Self.rows(lastCell, lower), Self.rows(last, lower),
        Self.rows(gradients[0], lower), Self.rows(weights[0], 0), Self.rows(weights[1], 0),
        Self.rows(weights[2], 0), Self.rows(gradients[4], lower), Self.rows(gradients[5], lower),
      ]
      try run(.lstmGradient, variant: 0, sizes: plan.key, rows) { try plan.plan() }
    }
    for buffers in partial {
      for (sum, part) in zip(gradients[1...3], buffers) {
        let (into, from) = (sum.pointer(Float.self), part.pointer(Float.self))
        for index in 0..<sum.count { into[index] += from[index] }
      }
    }
  }

  /// Checks the operands (these methods are public: a caller may skip the record's checks):
  /// their shapes and dtype as ``RecurrentLayout`` wants them, `float32` (oneDNN's CPU LSTM
  /// here), each storage holding its shape.
  private func checkRecurrent(
    _ op: OpCode, _ inputs: [TensorBuffer], _ outputs: [TensorBuffer], _ goBackwards: Bool
  ) throws -> RecurrentLayout {
    let layout = try RecurrentLayout(
      OpRecord(
        op, inputs: inputs, attributes: [.goBackwards: .bool(goBackwards)], outputs: outputs))
    for buffer in inputs + outputs { try checkOperand(op, buffer) }
    return layout
  }

  /// The batch cut into one run of sequences per core (one run below 8 sequences a core).
  static func recurrentParts(batch: Int) -> [(lower: Int, upper: Int)] {
    let parts = Swift.max(1, Swift.min(WorkerPool.shared.workerCount + 1, batch / 8))
    return (0..<parts).map { (batch * $0 / parts, batch * ($0 + 1) / parts) }
  }

  /// The address of row `row` along the first axis of `buffer`.
  private static func rows(_ buffer: TensorBuffer, _ row: Int) -> UnsafeMutableRawPointer {
    let width = buffer.shape.rank == 0 ? 1 : buffer.count / Swift.max(buffer.shape[0], 1)
    return UnsafeMutableRawPointer(buffer.pointer(Float.self) + row * width)
  }
}
