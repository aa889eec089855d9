import BackendProtocol

/// Keras's LSTM and GRU (`reset_after`) through oneDNN's LSTM and linear-before-reset GRU
/// primitives (``RecurrentPlan``), forward and backward, each created once per size and
/// direction. The batch is cut into one part per core (the sequences are independent), each
/// part a single-threaded primitive on ``WorkerPool/shared``; the weights' gradients of the
/// parts are added in part order, so a result depends on the machine's core count only, never
/// on the thread setting.
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
    try runRecurrent(.lstm, layout) { _, lower in
      [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(bias, 0), Self.rows(initialOutput, lower), Self.rows(initialCell, lower),
        Self.rows(outputs, lower), Self.rows(last, lower), Self.rows(lastCell, lower),
      ]
    }
    Self.pack(outputs, into: sequence, rows: t + 1, goBackwards: goBackwards)
    let (to, cell) = (sequence.pointer(Float.self), lastCell.pointer(Float.self))
    for b in 0..<n { (to + (b * (t + 1) + t) * u).update(from: cell + b * u, count: u) }
  }

  public func lstmGradient(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, initialCell: TensorBuffer, upstream: TensorBuffer,
    goBackwards: Bool, gradients: [TensorBuffer]
  ) throws {
    let inputs = [x, kernel, recurrentKernel, bias, initialOutput, initialCell, upstream]
    let layout = try checkRecurrent(.lstmGradient, inputs, gradients, goBackwards)
    let (n, t, u) = (layout.batch, layout.steps, layout.units)
    let weights = Array(gradients[1...3])
    for gradient in weights { Self.zero(gradient) }
    guard n > 0 else { return }
    // The upstream gradient unpacked: each step's at its input's step, the last cell state's
    // apart; the last output's is already in its step's row.
    let outputs = try TensorBuffer.allocate(.float32, [n, t, u])
    Self.unpack(upstream, rows: t + 1, into: outputs, goBackwards: goBackwards)
    let lastCell = try TensorBuffer.allocate(.float32, [n, u])
    let (from, cell) = (upstream.pointer(Float.self), lastCell.pointer(Float.self))
    for b in 0..<n { (cell + b * u).update(from: from + (b * (t + 1) + t) * u, count: u) }
    let last = try TensorBuffer.allocate(.float32, [n, u])
    Self.zero(last)
    let partial = try Self.partialSums(of: weights, layout)
    try runRecurrent(.lstmGradient, layout) { part, lower in
      let sums = part == 0 ? weights : partial[part - 1]
      return [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(bias, 0), Self.rows(initialOutput, lower), Self.rows(initialCell, lower),
        Self.rows(outputs, lower), Self.rows(lastCell, lower), Self.rows(last, lower),
        Self.rows(gradients[0], lower), Self.rows(sums[0], 0), Self.rows(sums[1], 0),
        Self.rows(sums[2], 0), Self.rows(gradients[4], lower), Self.rows(gradients[5], lower),
      ]
    }
    Self.add(partial, into: weights)
  }

  public func gru(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, goBackwards: Bool, _ sequence: TensorBuffer
  ) throws {
    let inputs = [x, kernel, recurrentKernel, bias, initialOutput]
    let layout = try checkRecurrent(.gru, inputs, [sequence], goBackwards)
    let (n, t, u) = (layout.batch, layout.steps, layout.units)
    guard n > 0 else { return }
    let rows = try Self.gruBias(bias, units: u)
    // Run forwards, oneDNN's outputs are the sequence as Keras orders it.
    let outputs = goBackwards ? try TensorBuffer.allocate(.float32, [n, t, u]) : sequence
    let last = try TensorBuffer.allocate(.float32, [n, u])
    try runRecurrent(.gru, layout) { _, lower in
      [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(rows, 0), Self.rows(initialOutput, lower), Self.rows(outputs, lower),
        Self.rows(last, lower),
      ]
    }
    if goBackwards { Self.pack(outputs, into: sequence, rows: t, goBackwards: true) }
  }

  public func gruGradient(
    _ x: TensorBuffer, kernel: TensorBuffer, recurrentKernel: TensorBuffer, bias: TensorBuffer,
    initialOutput: TensorBuffer, upstream: TensorBuffer, goBackwards: Bool,
    gradients: [TensorBuffer]
  ) throws {
    let inputs = [x, kernel, recurrentKernel, bias, initialOutput, upstream]
    let layout = try checkRecurrent(.gruGradient, inputs, gradients, goBackwards)
    let (n, t, u) = (layout.batch, layout.steps, layout.units)
    // oneDNN's four bias rows' gradient, converted to Keras's two rows after.
    let biasRows = try TensorBuffer.allocate(.float32, [4, u])
    let weights = [gradients[1], gradients[2], biasRows]
    for gradient in weights { Self.zero(gradient) }
    defer { Self.kerasGRUBiasGradient(biasRows, into: gradients[3], units: u) }
    guard n > 0 else { return }
    let rows = try Self.gruBias(bias, units: u)
    let outputs: TensorBuffer
    if goBackwards {
      outputs = try TensorBuffer.allocate(.float32, [n, t, u])
      Self.unpack(upstream, rows: t, into: outputs, goBackwards: true)
    } else {
      outputs = upstream
    }
    let last = try TensorBuffer.allocate(.float32, [n, u])
    Self.zero(last)
    let partial = try Self.partialSums(of: weights, layout)
    try runRecurrent(.gruGradient, layout) { part, lower in
      let sums = part == 0 ? weights : partial[part - 1]
      return [
        Self.rows(x, lower), Self.rows(kernel, 0), Self.rows(recurrentKernel, 0),
        Self.rows(rows, 0), Self.rows(initialOutput, lower), Self.rows(outputs, lower),
        Self.rows(last, lower), Self.rows(gradients[0], lower), Self.rows(sums[0], 0),
        Self.rows(sums[1], 0), Self.rows(sums[2], 0), Self.rows(gradients[4], lower),
      ]
    }
    Self.add(partial, into: weights)
  }

  // MARK: Helpers

  /// Checks the operands (these methods are public: a caller may skip the record's checks):
  /// their shapes and dtype as ``RecurrentLayout`` wants them, `float32` (oneDNN's CPU
  /// recurrent primitives here), each storage holding its shape.
  private func checkRecurrent(
    _ op: OpCode, _ inputs: [TensorBuffer], _ outputs: [TensorBuffer], _ goBackwards: Bool
  ) throws -> RecurrentLayout {
    let layout = try RecurrentLayout(
      OpRecord(
        op, inputs: inputs, attributes: [.goBackwards: .bool(goBackwards)], outputs: outputs))
    for buffer in inputs + outputs { try checkOperand(op, buffer) }
    return layout
  }

  /// Runs `op`'s plan on each part of the batch, `operands(part, first sequence)` giving the
  /// part's operand addresses.
  private func runRecurrent(
    _ op: OpCode, _ layout: RecurrentLayout,
    _ operands: (Int, Int) -> [UnsafeMutableRawPointer]
  ) throws {
    let parts = Self.recurrentParts(batch: layout.batch)
    try runParts(parts.count) { index in
      let (lower, upper) = parts[index]
      let plan = RecurrentPlan(
        op: op, batch: upper - lower, steps: layout.steps, features: layout.features,
        units: layout.units, goBackwards: layout.goBackwards)
      try run(op, variant: 0, sizes: plan.key, operands(index, lower)) { try plan.plan() }
    }
  }

  /// The batch cut into one run of sequences per core (one run below 8 sequences a core).
  static func recurrentParts(batch: Int) -> [(lower: Int, upper: Int)] {
    let parts = Swift.max(1, Swift.min(WorkerPool.shared.workerCount + 1, batch / 8))
    return (0..<parts).map { (batch * $0 / parts, batch * ($0 + 1) / parts) }
  }

  /// Zeroed buffers like `sums`, one set per part after the first, whose weights' gradients
  /// oneDNN adds to.
  private static func partialSums(of sums: [TensorBuffer], _ layout: RecurrentLayout) throws
    -> [[TensorBuffer]]
  {
    try (1..<recurrentParts(batch: layout.batch).count).map { _ in
      try sums.map { sum in
        let buffer = try TensorBuffer.allocate(.float32, sum.shape)
        zero(buffer)
        return buffer
      }
    }
  }

  /// Adds each part's sums into `sums`, in part order.
  private static func add(_ partial: [[TensorBuffer]], into sums: [TensorBuffer]) {
    for buffers in partial {
      for (sum, part) in zip(sums, buffers) {
        let (into, from) = (sum.pointer(Float.self), part.pointer(Float.self))
        for index in 0..<sum.count { into[index] += from[index] }
      }
    }
  }

  /// `sequence[b, k] = outputs[b, step]` for the `[N, T, U]` outputs (each at its input's
  /// step), `step` the `k`-th run: `k`, or `T - 1 - k` going backwards; `sequence` has `rows`
  /// rows per sequence (`T`, or `T + 1` with the LSTM's cell state last).
  private static func pack(
    _ outputs: TensorBuffer, into sequence: TensorBuffer, rows: Int, goBackwards: Bool
  ) {
    let (n, t, u) = (outputs.shape[0], outputs.shape[1], outputs.shape[2])
    let (from, to) = (outputs.pointer(Float.self), sequence.pointer(Float.self))
    for b in 0..<n {
      for k in 0..<t {
        let step = goBackwards ? t - 1 - k : k
        (to + (b * rows + k) * u).update(from: from + (b * t + step) * u, count: u)
      }
    }
  }

  /// The inverse of ``pack(_:into:rows:goBackwards:)`` for a gradient of the sequence.
  private static func unpack(
    _ sequence: TensorBuffer, rows: Int, into outputs: TensorBuffer, goBackwards: Bool
  ) {
    let (n, t, u) = (outputs.shape[0], outputs.shape[1], outputs.shape[2])
    let (from, to) = (sequence.pointer(Float.self), outputs.pointer(Float.self))
    for b in 0..<n {
      for k in 0..<t {
        let step = goBackwards ? t - 1 - k : k
        (to + (b * t + step) * u).update(from: from + (b * rows + k) * u, count: u)
      }
    }
  }

  /// Keras's GRU bias `[2, 3U]` (input row, recurrent row; blocks z, r, h) as oneDNN's four
  /// rows: z's and r's biases summed, then h's input and recurrent biases.
  private static func gruBias(_ bias: TensorBuffer, units u: Int) throws -> TensorBuffer {
    let rows = try TensorBuffer.allocate(.float32, [4, u])
    let (from, to) = (bias.pointer(Float.self), rows.pointer(Float.self))
    for j in 0..<u {
      to[j] = from[j] + from[3 * u + j]
      to[u + j] = from[u + j] + from[4 * u + j]
      to[2 * u + j] = from[2 * u + j]
      to[3 * u + j] = from[5 * u + j]
    }
    return rows
  }

  /// The gradient of ``gruBias(_:units:)``: each summed row's gradient goes to both rows.
  private static func kerasGRUBiasGradient(
    _ rows: TensorBuffer, into bias: TensorBuffer, units u: Int
  ) {
    let (from, to) = (rows.pointer(Float.self), bias.pointer(Float.self))
    for j in 0..<u {
      (to[j], to[3 * u + j]) = (from[j], from[j])
      (to[u + j], to[4 * u + j]) = (from[u + j], from[u + j])
      (to[2 * u + j], to[5 * u + j]) = (from[2 * u + j], from[3 * u + j])
    }
  }

  private static func zero(_ buffer: TensorBuffer) {
    buffer.pointer(Float.self).update(repeating: 0, count: buffer.count)
  }

  /// The address of row `row` along the first axis of `buffer`.
  private static func rows(_ buffer: TensorBuffer, _ row: Int) -> UnsafeMutableRawPointer {
    let width = buffer.shape.rank == 0 ? 1 : buffer.count / Swift.max(buffer.shape[0], 1)
    return UnsafeMutableRawPointer(buffer.pointer(Float.self) + row * width)
  }
}
