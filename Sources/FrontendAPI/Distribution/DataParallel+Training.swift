import BackendProtocol

extension DataParallel {
  // MARK: Before training

  /// Checks that every process holds the same variables (model weights, then the optimizer's
  /// state for the trainable ones, created here when missing) and runs the same `plan` (what
  /// `fit` will do: epochs, steps), then gives every process process 0's values, optimizer
  /// step, random stream position and `resumeEpoch`. Returns ``synchronizedCount(_:optimizer:)``
  /// after it.
  ///
  /// A mismatch throws on every process the same error, naming the first variable (or plan
  /// line) that differs and the processes: each process checks the gathered descriptions
  /// itself.
  @discardableResult
  func synchronize(
    _ model: Model, optimizer: Optimizer?, resumeEpoch: inout Int?, plan: [String] = []
  ) throws -> Int {
    guard processCount > 1 else { return 0 }
    let variables = try synchronizedVariables(model, optimizer: optimizer)
    try agree(
      variables.map { "\($0.path)\t\($0.shape)\t\($0.dtype)" } + plan,
      context: "DataParallel, model '\(model.name)'",
      requirement: "every process must build the same model and optimizer and train on as many "
        + "batches")
    var payload: [UInt8] = []
    if isChief {
      let position = RandomGenerator.position
      for word in [
        UInt64(bitPattern: Int64(optimizer?.rawIterations ?? 0)), position.key,
        position.nextBlock,
        UInt64(bitPattern: Int64(resumeEpoch ?? -1)),
      ] {
        withUnsafeBytes(of: word.littleEndian) { payload += $0 }
      }
      for variable in variables {
        let buffer = variable.value.buffer
        payload += UnsafeRawBufferPointer(
          start: buffer.pointer(UInt8.self), count: buffer.count * buffer.dtype.byteSize)
      }
    }
    try broadcast(&payload)
    guard !isChief else { return synchronizedCount(model, optimizer: optimizer) }
    let expected = 32 + variables.reduce(0) { $0 + $1.count * $1.dtype.byteSize }
    guard payload.count == expected else {
      throw PlexusError.invalidState(
        context: "DataParallel",
        message: "process 0 sent \(payload.count) bytes of weights and state; process \(rank) "
          + "expected \(expected)")
    }
    func word(_ index: Int) -> UInt64 {
      payload[(index * 8)..<(index * 8 + 8)].enumerated().reduce(0) {
        $0 | UInt64($1.element) << (8 * UInt64($1.offset))
      }
    }
    optimizer?.rawIterations = Int(Int64(bitPattern: word(0)))
    RandomGenerator.position = (word(1), word(2))
    let epoch = Int64(bitPattern: word(3))
    resumeEpoch = epoch >= 0 ? Int(epoch) : nil
    var offset = 32
    for variable in variables {
      let bytes = variable.count * variable.dtype.byteSize
      let buffer = try TensorBuffer.allocate(variable.dtype, variable.shape)
      payload.withUnsafeBytes { source in
        guard let base = source.baseAddress, bytes > 0 else { return }
        UnsafeMutableRawPointer(buffer.pointer(UInt8.self)).copyMemory(
          from: base + offset, byteCount: bytes)
      }
      try variable.assign(Tensor(buffer))
      offset += bytes
    }
    return synchronizedCount(model, optimizer: optimizer)
  }

  /// Broadcasts process 0's weights, optimizer state and random stream to every process, after
  /// checking that they all hold the same variables: what `fit` does before training, for a
  /// custom training loop (as Horovod's `broadcast_variables`). Every process must call it.
  public func broadcastVariables(of model: Model, optimizer: Optimizer? = nil) throws {
    var resumeEpoch: Int?
    try synchronize(model, optimizer: optimizer ?? model.optimizer, resumeEpoch: &resumeEpoch)
  }

  /// How many variables the model and optimizer hold: when a step built layers or optimizer
  /// slots, it grows.
  func synchronizedCount(_ model: Model, optimizer: Optimizer?) -> Int {
    var seen = Set<ObjectIdentifier>()
    let weights = model.weights.filter { seen.insert(ObjectIdentifier($0)).inserted }.count
    return weights + (optimizer?.variables.count ?? 0)
  }

  /// The model's variables (each once), then the optimizer's state for its trainable ones.
  private func synchronizedVariables(_ model: Model, optimizer: Optimizer?) throws -> [Variable] {
    var seen = Set<ObjectIdentifier>()
    var result = model.weights.filter { seen.insert(ObjectIdentifier($0)).inserted }
    if let optimizer {
      result += try optimizer.stateVariables(for: model.trainableWeights).filter {
        seen.insert(ObjectIdentifier($0)).inserted
      }
    }
    return result
  }

  /// Throws on every process, with the same message, when some process's `lines` differ from
  /// process 0's (no collective follows a mismatch, so none waits).
  func agree(_ lines: [String], context: String, requirement: String) throws {
    guard processCount > 1 else { return }
    let all = try allGather(Array(lines.joined(separator: "\n").utf8)).map {
      String(decoding: $0, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }
    let reference = all[0]
    for (other, lines) in all.enumerated().dropFirst() where lines != reference {
      func describe(_ line: Substring) -> String {
        let parts = line.split(separator: "\t")
        return parts.count == 3 ? "'\(parts[0])' \(parts[2])\(parts[1])" : "'\(line)'"
      }
      let common = Swift.min(lines.count, reference.count)
      let index = (0..<common).first { lines[$0] != reference[$0] } ?? common
      let message: String
      if index < lines.count, index < reference.count {
        message =
          "\(describe(lines[index])) on process \(other) but \(describe(reference[index])) on "
          + "process 0"
      } else if index < reference.count {
        message = "process \(other) has no \(describe(reference[index])) (process 0 has)"
      } else {
        message = "process \(other) has \(describe(lines[index])), which process 0 has not"
      }
      throw PlexusError.invalidState(context: context, message: "\(requirement): \(message)")
    }
  }

  // MARK: Each step

  /// This process's slice of a global batch, and its share of the batch: rows
  /// `n·rank/N ..< n·(rank+1)/N` of each tensor; a batch of fewer rows than processes goes
  /// whole to each (`replicated`), weighted `1/N`, and only process 0's metrics count it.
  func shard(_ batch: BatchFeed.Batch) throws -> (
    batch: BatchFeed.Batch, weight: Double, replicated: Bool
  ) {
    let rows = batch.inputs.first?.shape.dims.first ?? 0
    guard processCount > 1, rows >= processCount else {
      return (batch, 1 / Double(processCount), processCount > 1)
    }
    let start = rows * rank / processCount
    let end = rows * (rank + 1) / processCount
    func slice(_ tensor: Tensor) throws -> Tensor {
      guard tensor.rank > 0, tensor.shape[0] == rows else {
        throw PlexusError.shapeMismatch(
          context: "DataParallel batch", expected: "\(rows) rows in every input and target",
          received: "\(tensor.shape)")
      }
      var starts = [Int](repeating: 0, count: tensor.rank)
      starts[0] = start
      var sizes = tensor.shape.dims
      sizes[0] = end - start
      return try Ops.slice(tensor, starts: starts, sizes: sizes)
    }
    let sliced = (
      inputs: try batch.inputs.map(slice), targets: try batch.targets.map(slice),
      sampleWeight: try batch.sampleWeight.map(slice)
    )
    return (sliced, Double(end - start) / Double(rows), false)
  }

  /// Runs a step on `batch`; when the batch is replicated on every process, puts back the
  /// metrics' states afterwards on all but process 0, so the whole batch counts once.
  func countingOnce<R>(
    replicated: Bool, _ compiled: CompiledState, _ step: () throws -> R
  ) throws -> R {
    guard replicated, !isChief else { return try step() }
    let metrics = compiled.allMetrics
    let saved = metrics.map(\.summableState)
    let result = try step()
    _ = try compiled.results()  // folds in the losses the step left pending
    for (metric, state) in zip(metrics, saved) { try metric.loadSummedStates([state]) }
    return result
  }

  /// A stream for the draws inside this process's steps (dropout), apart from the shared one
  /// that shuffles: seeded from the shared stream's position and the rank.
  func makeStepStream() -> RandomGenerator.Stream {
    let position = RandomGenerator.position
    return RandomGenerator.Stream(
      seed: Self.foldedSeed(key: position.key, nextBlock: position.nextBlock, rank: rank))
  }

  // MARK: After each epoch

  /// Gives every process the mean over the processes of each non-trainable floating weight
  /// that differs between them (`BatchNormalization`'s moving statistics, updated from each
  /// process's own batches), as TensorFlow's strategies read such variables (`ON_READ`,
  /// `MEAN`): then every process holds the same model, and saves what process 0 saves.
  /// A digest per variable is gathered first; values every process agrees on stay exactly as
  /// they are, and only the others travel, in buckets (each scaled by `1/N`, added in rank
  /// order).
  func averageNonTrainableWeights(_ model: Model) throws {
    guard let world, processCount > 1 else { return }
    var seen = Set<ObjectIdentifier>()
    let variables = model.nonTrainableWeights.filter {
      ($0.dtype == .float32 || $0.dtype == .float64) && seen.insert(ObjectIdentifier($0)).inserted
    }
    guard !variables.isEmpty else { return }
    let values = variables.map { $0.value }
    var digests: [UInt8] = []
    for value in values {
      let buffer = value.buffer
      let bytes = UnsafeRawBufferPointer(
        start: buffer.pointer(UInt8.self), count: buffer.count * buffer.dtype.byteSize)
      // FNV-1a: a value that differs anywhere gets another digest (almost surely).
      var hash: UInt64 = 0xCBF2_9CE4_8422_2325
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
      withUnsafeBytes(of: hash.littleEndian) { digests += $0 }
    }
    let all = try allGather(digests)
    let differing = variables.indices.filter { index in
      let range = (index * 8)..<(index * 8 + 8)
      return all.contains { $0.count == digests.count && $0[range] != digests[range] }
    }
    guard all.allSatisfy({ $0.count == digests.count }) else {
      throw PlexusError.invalidState(
        context: "DataParallel", message: "processes hold different non-trainable weights")
    }
    guard !differing.isEmpty else { return }
    let average = GradientAllReduce(
      world: world, bucketBytes: bucketBytes, weight: self, scale: 1 / Double(processCount),
      name: "average_non_trainable_weights")
    let inputs = differing.map { values[$0].buffer }
    let outputs = try inputs.map { try TensorBuffer.allocate($0.dtype, $0.shape) }
    try average.run(inputs: inputs, outputs: outputs)
    for (index, output) in zip(differing, outputs) {
      try variables[index].assign(Tensor(output))
    }
  }

  // MARK: Logs

  /// The compiled loss and metrics over every process's batches: each metric's state summed
  /// across the processes (in rank order), then read.
  func reduceLogs(_ compiled: CompiledState) throws -> [String: Double] {
    _ = try compiled.results()  // folds in the losses the last step left pending
    guard processCount > 1 else { return try compiled.results() }
    let metrics = compiled.allMetrics
    var encoded: [UInt8] = []
    for metric in metrics {
      let state = metric.summableState
      for value in [Double(state.count)] + state {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { encoded += $0 }
      }
    }
    let gathered = try allGather(encoded).map(Self.decodeStates)
    for (index, metric) in metrics.enumerated() {
      let states = try gathered.map { states -> [Double] in
        guard index < states.count else {
          throw PlexusError.invalidState(
            context: "DataParallel", message: "processes compiled different metrics")
        }
        return states[index]
      }
      try metric.loadSummedStates(states)
    }
    return try compiled.results()
  }

  /// The states `reduceLogs` encoded: per metric a count, then that many values.
  private static func decodeStates(_ bytes: [UInt8]) -> [[Double]] {
    var values: [Double] = []
    values.reserveCapacity(bytes.count / 8)
    var index = 0
    while index + 8 <= bytes.count {
      var bits: UInt64 = 0
      for offset in 0..<8 { bits |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
      values.append(Double(bitPattern: bits))
      index += 8
    }
    var states: [[Double]] = []
    var position = 0
    while position < values.count {
      let count = Int(exactly: values[position]) ?? 0
      let end = Swift.min(values.count, position + 1 + Swift.max(count, 0))
      states.append(Array(values[(position + 1)..<end]))
      position = end
    }
    return states
  }
}
