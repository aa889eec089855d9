import BackendProtocol

/// A captured step made replayable: the recorded records with every buffer resolved to where it
/// lives in a replay, and the per-step values a replay binds.
///
/// - Intermediates (every buffer an op produced) get 64-byte-aligned offsets in one arena,
///   planned from their lifetimes (a buffer's bytes are reused once its last reader has run,
///   never by an op that still reads it, except a `scatter_add` that adds into its dead base
///   in place): a replay allocates no intermediate, only copies of its results.
/// - Variables are views of the variable's own memory, updated in place. A replay that writes
///   variables holds their locks and first makes their memory unique (copy-on-write, as an
///   eager in-place update does); one that only reads them reads their current memory. Views
///   are re-pointed when a variable's memory moved since the last replay.
/// - Step inputs are patched into the records that read them; the optimizer's rate and step and
///   each random draw's counter offset are written into their scalar inputs before the ops run.
/// - Anything else a record reads is a constant of the capture, kept alive by the plan.
///
/// `@unchecked Sendable`: what a replay changes (the records, bound bases, random keys, arena
/// views) is touched only under `lock`; everything else is set once at planning.
final class StepPlan: @unchecked Sendable {
  /// Where a buffer of the capture lives in a replay.
  enum Location {
    case arena(offset: Int, bytes: Int)
    case variable(Int)
    case input(Int)
    case constant(Storage)
  }

  struct Operand {
    let location: Location
    let dtype: DType
    let shape: Shape
  }

  enum Action {
    /// `fallbackFrom`: the selected backend, when the record ran on the fallback.
    case op(
      OpCode, OpAttributes, inputs: [Operand], outputs: [Operand], entry: BackendEntry,
      fallbackFrom: BackendEntry?)
    case assign(source: Operand, variable: Int)
    case collective(any HostCollective, inputs: [Operand], outputs: [Operand])
  }

  struct OptimizerBinding {
    let optimizer: Optimizer
    let rate: TensorBuffer
    let step: TensorBuffer
    let roundsToFloat32: Bool
    /// Steps after the optimizer's first in the capture (1 for its second `apply`).
    let offset: Int
  }

  struct RandomBinding {
    let offset: TensorBuffer
    let elements: Int
    /// The action of the draw, whose seed attribute changes when the stream is reseeded.
    let action: Int
    var key: UInt64
  }

  let actions: [Action]
  let variables: [Variable]
  let outputs: [Operand]
  let arenaBytes: Int
  /// How many random draws a replay binds (fixed at planning; the bindings' keys change under
  /// the lock).
  let randomDrawCount: Int
  /// The patterns fused into one record (``Fusion``), as the dump lists them.
  let fusedGroups: [String]
  /// Whether a replay writes a variable (an in-place update or an assignment): then it needs
  /// each variable's memory to itself; a plan that only reads them shares it.
  let writesVariables: Bool
  private let arena: Storage
  private let optimizerBindings: [OptimizerBinding]
  /// The optimizers a replay steps, each with the number of steps (`apply` calls) it takes.
  private let optimizers: [(optimizer: Optimizer, steps: Int)]
  private var randomBindings: [RandomBinding]
  /// Per action: the record a replay runs (nil for an assignment).
  private var records: [OpRecord?]
  /// Per variable: the memory the records' views point at.
  private var boundBases: [UnsafeMutableRawPointer?]
  /// Where step inputs are read: (action, input position, step input).
  private let inputUses: [(action: Int, position: Int, input: Int)]
  private let lock = Lock()
  /// One view per arena region, shared by every record that reads or writes it: a backend
  /// that keys state by storage (oneDNN's pooling workspaces) sees one buffer, as eagerly.
  private var arenaViews: [Int: Storage] = [:]

  /// Plans `recorder`'s capture of a step whose inputs are `inputs` and whose results are
  /// `results`.
  init(recorder: StepRecorder, inputs: [Tensor], results: [Tensor], fusion: Fusion) throws {
    let (events, fusedGroups) = FusionPass.apply(fusion, to: recorder.events, results: results)
    self.fusedGroups = fusedGroups
    var inputIndex: [ObjectIdentifier: Int] = [:]
    for (index, input) in inputs.enumerated()
    where inputIndex[ObjectIdentifier(input.buffer.storage)] == nil {
      inputIndex[ObjectIdentifier(input.buffer.storage)] = index
    }
    // Lifetimes of the intermediates, in action indices.
    var first: [ObjectIdentifier: Int] = [:]
    var last: [ObjectIdentifier: Int] = [:]
    var sizes: [ObjectIdentifier: Int] = [:]
    var order: [ObjectIdentifier] = []
    func use(_ buffer: TensorBuffer, at index: Int) {
      let key = ObjectIdentifier(buffer.storage)
      if first[key] != nil { last[key] = index }
    }
    // A buffer first written at `index` (an op's or a collective's output) starts living there.
    func define(_ buffer: TensorBuffer, at index: Int) {
      let key = ObjectIdentifier(buffer.storage)
      guard first[key] == nil else { return }
      first[key] = index
      last[key] = index
      sizes[key] = buffer.storage.byteCount
      order.append(key)
    }
    for (index, event) in events.enumerated() {
      switch event {
      case .op(let record, _, _):
        for input in record.inputs { use(input, at: index) }
        for output in record.outputs { define(output, at: index) }
      case .assign(let source, _):
        use(source, at: index)
      case .collective(_, let inputs, let outputs):
        for input in inputs { use(input, at: index) }
        for output in outputs { define(output, at: index) }
      }
    }
    let end = events.count
    for result in results where first[ObjectIdentifier(result.buffer.storage)] != nil {
      last[ObjectIdentifier(result.buffer.storage)] = end
    }
    let aliases = Self.inPlaceOutputs(events, first: first, last: &last, sizes: sizes)
    order.removeAll { aliases[$0] != nil }
    var offsets = Self.assignOffsets(order, first: first, last: last, sizes: sizes)
    for (output, base) in aliases { offsets.offsets[output] = offsets.offsets[base] }
    arenaBytes = offsets.total
    arena = try Storage(byteCount: offsets.total)

    func operand(_ buffer: TensorBuffer) -> Operand {
      let key = ObjectIdentifier(buffer.storage)
      let location: Location
      if let offset = offsets.offsets[key] {
        location = .arena(offset: offset, bytes: buffer.storage.byteCount)
      } else if let owner = recorder.variableStorages[key] {
        location = .variable(owner.variable)
      } else if let input = inputIndex[key] {
        location = .input(input)
      } else {
        location = .constant(buffer.storage)
      }
      return Operand(location: location, dtype: buffer.dtype, shape: buffer.shape)
    }
    var actions: [Action] = []
    var inputUses: [(action: Int, position: Int, input: Int)] = []
    var drawActions: [ObjectIdentifier: Int] = [:]
    for event in events {
      switch event {
      case .op(let record, let entry, let fallbackFrom):
        let inputs = record.inputs.map(operand)
        for (position, input) in inputs.enumerated() {
          if case .input(let index) = input.location {
            inputUses.append((actions.count, position, index))
          }
        }
        if record.op.family == .random, let offset = record.inputs.first {
          drawActions[ObjectIdentifier(offset.storage)] = actions.count
        }
        actions.append(
          .op(
            record.op, record.attributes, inputs: inputs, outputs: record.outputs.map(operand),
            entry: entry, fallbackFrom: fallbackFrom))
      case .assign(let source, let variable):
        actions.append(.assign(source: operand(source), variable: variable))
      case .collective(let collective, let inputs, let outputs):
        actions.append(
          .collective(collective, inputs: inputs.map(operand), outputs: outputs.map(operand)))
      }
    }
    self.actions = actions
    self.writesVariables = actions.contains { action in
      switch action {
      case .assign: return true
      case .collective: return false
      case .op(_, _, let inputs, let outputs, _, _):
        // In-place ops (the fused optimizer updates) are the ones without outputs.
        return outputs.isEmpty
          && inputs.contains {
            if case .variable = $0.location { return true }
            return false
          }
      }
    }
    self.inputUses = inputUses
    self.variables = recorder.variables
    self.outputs = results.map { operand($0.buffer) }
    var firstStep: [ObjectIdentifier: Int] = [:]
    var lastStep: [ObjectIdentifier: Int] = [:]
    var optimizers: [(optimizer: Optimizer, steps: Int)] = []
    for binding in recorder.optimizerBindings {
      let key = ObjectIdentifier(binding.optimizer)
      if firstStep[key] == nil { optimizers.append((binding.optimizer, 0)) }
      firstStep[key] = Swift.min(firstStep[key] ?? .max, binding.capturedStep)
      lastStep[key] = Swift.max(lastStep[key] ?? .min, binding.capturedStep)
    }
    self.optimizers = optimizers.map { entry in
      let key = ObjectIdentifier(entry.optimizer)
      return (entry.optimizer, (lastStep[key] ?? 0) - (firstStep[key] ?? 0) + 1)
    }
    optimizerBindings = recorder.optimizerBindings.map {
      OptimizerBinding(
        optimizer: $0.optimizer, rate: $0.rate, step: $0.step,
        roundsToFloat32: recorder.roundsRate[ObjectIdentifier($0.optimizer)] ?? false,
        offset: $0.capturedStep - (firstStep[ObjectIdentifier($0.optimizer)] ?? $0.capturedStep))
    }
    randomBindings = recorder.randomBindings.compactMap { binding in
      drawActions[ObjectIdentifier(binding.offset.storage)].map {
        RandomBinding(
          offset: binding.offset, elements: binding.elements, action: $0, key: binding.key)
      }
    }
    randomDrawCount = randomBindings.count
    records = Array(repeating: nil, count: actions.count)
    boundBases = Array(repeating: nil, count: recorder.variables.count)
  }

  /// The outputs that take their base input's arena region (output → the region's owner):
  /// a `scatter_add` whose base is an intermediate of the same size read last there (the
  /// gradient of a gather, added into fresh zeros) adds in place instead of copying its base
  /// first, on a backend that says it can (``Backend/scatterAddsInPlace``). `last` grows to
  /// cover the output's uses.
  private static func inPlaceOutputs(
    _ events: [StepRecorder.Event], first: [ObjectIdentifier: Int],
    last: inout [ObjectIdentifier: Int], sizes: [ObjectIdentifier: Int]
  ) -> [ObjectIdentifier: ObjectIdentifier] {
    var aliases: [ObjectIdentifier: ObjectIdentifier] = [:]
    func owner(_ key: ObjectIdentifier) -> ObjectIdentifier { aliases[key] ?? key }
    for (index, event) in events.enumerated() {
      // The replay may hand a declined record to the fallback backend: it must agree too.
      guard case .op(let record, let entry, _) = event, record.op == .scatterAdd,
        entry.backend.scatterAddsInPlace,
        Dispatcher.fallbackEntry.map({ $0.backend.scatterAddsInPlace }) ?? true,
        record.inputs.count == 3, record.outputs.count == 1
      else { continue }
      let base = owner(ObjectIdentifier(record.inputs[0].storage))
      let output = ObjectIdentifier(record.outputs[0].storage)
      let others = record.inputs.dropFirst().map { owner(ObjectIdentifier($0.storage)) }
      guard first[base] != nil, last[base] == index, first[output] == index,
        sizes[base] == sizes[output], record.inputs[0].dtype == record.outputs[0].dtype,
        !others.contains(base)
      else { continue }
      aliases[output] = base
      last[base] = last[output] ?? index
    }
    return aliases
  }

  /// First-fit offsets for intermediates live over `[first, last]` (inclusive: an op's output
  /// never shares bytes with an input it reads, except where ``inPlaceOutputs`` aliased it),
  /// largest first; 64-byte aligned.
  private static func assignOffsets(
    _ keys: [ObjectIdentifier], first: [ObjectIdentifier: Int], last: [ObjectIdentifier: Int],
    sizes: [ObjectIdentifier: Int]
  ) -> (offsets: [ObjectIdentifier: Int], total: Int) {
    let alignment = Storage.alignment
    let sorted = keys.sorted { (sizes[$0] ?? 0, first[$1] ?? 0) > (sizes[$1] ?? 0, first[$0] ?? 0) }
    var placed: [(start: Int, end: Int, from: Int, to: Int)] = []
    var offsets: [ObjectIdentifier: Int] = [:]
    var total = 0
    for key in sorted {
      let size = ((sizes[key] ?? 0) + alignment - 1) / alignment * alignment
      let (from, to) = (first[key] ?? 0, last[key] ?? 0)
      let conflicts =
        placed
        .filter { $0.from <= to && from <= $0.to }
        .sorted { $0.start < $1.start }
      var offset = 0
      for other in conflicts where offset + size > other.start {
        offset = Swift.max(offset, other.end)
      }
      placed.append((offset, offset + size, from, to))
      offsets[key] = offset
      total = Swift.max(total, offset + size)
    }
    return (offsets, total)
  }

  // MARK: Replay

  /// Runs the step on `inputs` (of the capture's shapes and dtypes) and returns its results,
  /// copied out of the arena; nil at once when another thread is replaying this plan.
  func replayUnlessBusy(_ inputs: [Tensor]) throws -> [Tensor]? {
    guard lock.tryLock() else { return nil }
    defer { lock.unlock() }
    return try replayLocked(inputs)
  }

  private func replayLocked(_ inputs: [Tensor]) throws -> [Tensor] {
    for (optimizer, _) in optimizers { try optimizer.validateHyperparameters() }
    for binding in optimizerBindings {
      let optimizer = binding.optimizer
      let iteration = optimizer.iterations + binding.offset
      let rate = optimizer.learningRate(atIteration: iteration)
      binding.rate.pointer(Double.self).pointee =
        binding.roundsToFloat32 ? Double(Float(rate)) : rate
      binding.step.pointer(Int64.self).pointee = Int64(iteration + 1)
    }
    for index in randomBindings.indices {
      let binding = randomBindings[index]
      let (key, offset) = RandomGenerator.reserve(elements: binding.elements)
      binding.offset.pointer(Int64.self).pointee = Int64(bitPattern: offset)
      if key != binding.key {
        randomBindings[index].key = key
        records[binding.action] = nil  // made again with the new seed
      }
    }
    // A plan that writes variables holds their locks and their memory to itself; one that only
    // reads them (inference) reads their current memory, which nothing writes meanwhile.
    var events: [(OpRecord, BackendEntry, BackendEntry?, UInt64, UInt64)] = []
    let results =
      writesVariables
      ? try Variable.withMutableBuffers(variables) { try run(variables: $0, inputs, &events) }
      : try run(variables: variables.map(\.buffer), inputs, &events)
    // Observers hear of the ops once the variables' locks are released (one that reads a
    // variable would otherwise wait on a lock its own thread holds).
    for (record, entry, fallbackFrom, start, end) in events {
      Dispatcher.notify(record, on: entry, fallbackFrom: fallbackFrom?.name, start: start, end: end)
    }
    for (optimizer, steps) in optimizers { optimizer.iterations += steps }
    return results
  }

  /// Runs the records on the variables' memory `buffers` and copies the results out.
  private func run(
    variables buffers: [TensorBuffer], _ inputs: [Tensor],
    _ events: inout [(OpRecord, BackendEntry, BackendEntry?, UInt64, UInt64)]
  ) throws -> [Tensor] {
    let scope = Dispatcher.scope
    let observed = Dispatcher.observersActive

    for (index, buffer) in buffers.enumerated() where boundBases[index] != buffer.storage.base {
      boundBases[index] = buffer.storage.base
      rematerialize(variable: index)
    }
    for index in records.indices where records[index] == nil {
      records[index] = makeRecord(index)
    }
    for use in inputUses {
      guard let record = records[use.action] else { continue }
      var operands = record.inputs
      // The op may read the input reshaped (a flatten): the record's shape on the new memory.
      let planned = operands[use.position]
      operands[use.position] = TensorBuffer(
        dtype: planned.dtype, shape: planned.shape,
        uncheckedStorage: inputs[use.input].buffer.storage)
      records[use.action] = OpRecord(
        record.op, inputs: operands, attributes: record.attributes, outputs: record.outputs)
    }
    for (index, action) in actions.enumerated() {
      switch action {
      case .op(let op, _, _, _, var entry, var fallbackFrom):
        guard let record = records[index] else { continue }
        let start = observed ? Dispatcher.monotonicNanoseconds() : 0
        if try entry.backend.execute(record) != .done {
          // Declined at run time (oneDNN declines some ops on NaN inputs): the fallback runs
          // it, as an eager step would.
          guard let fallback = Dispatcher.fallbackEntry, fallback !== entry,
            try fallback.backend.execute(record) == .done
          else {
            throw PlexusError.unsupported(
              op: op.description, dtype: record.dtype, backend: entry.name)
          }
          fallbackFrom = entry
          entry = fallback
        }
        if let fallbackFrom {
          try Dispatcher.countFallback(from: fallbackFrom, op, record.dtype, in: scope)
        }
        Dispatcher.countDispatch(on: entry, op, in: scope)
        if observed {
          events.append((record, entry, fallbackFrom, start, Dispatcher.monotonicNanoseconds()))
        }
      case .assign(let source, let variable):
        let from = buffer(source, inputs: inputs)
        let target = buffers[variable]
        target.storage.base.copyMemory(
          from: from.storage.base,
          byteCount: Swift.min(target.count, from.count) * target.dtype.byteSize)
      case .collective(let collective, let operands, let results):
        try collective.run(
          inputs: operands.map { buffer($0, inputs: inputs) },
          outputs: results.map { buffer($0, inputs: inputs) })
      }
    }
    // Copied out under the lock: the next replay (another thread's, perhaps) reuses the arena.
    return try outputs.map { output in
      let source = buffer(output, inputs: inputs)
      let copy = try TensorBuffer.allocate(source.dtype, source.shape)
      copy.storage.base.copyMemory(
        from: source.storage.base, byteCount: source.count * source.dtype.byteSize)
      return Tensor(copy)
    }
  }

  /// Drops the records that view `variable`'s memory, to be made again.
  private func rematerialize(variable: Int) {
    for (index, action) in actions.enumerated() {
      guard case .op(_, _, let inputs, let outputs, _, _) = action else { continue }
      let uses = (inputs + outputs).contains {
        if case .variable(variable) = $0.location { return true }
        return false
      }
      if uses { records[index] = nil }
    }
  }

  private func makeRecord(_ index: Int) -> OpRecord? {
    guard case .op(let op, var attributes, let inputs, let outputs, _, _) = actions[index] else {
      return nil
    }
    if let draw = randomBindings.first(where: { $0.action == index }) {
      attributes = attributes.with(.seed, .int(Int(Int64(bitPattern: draw.key))))
    }
    return OpRecord(
      op, inputs: inputs.map { buffer($0) }, attributes: attributes,
      outputs: outputs.map { buffer($0) })
  }

  /// The buffer an operand is in a replay (step inputs are patched in per replay).
  private func buffer(_ operand: Operand, inputs: [Tensor] = []) -> TensorBuffer {
    let storage: Storage
    switch operand.location {
    case .arena(let offset, let bytes):
      // Keyed by offset and size: two buffers that share both are never live together.
      let key = offset &* 31 &+ bytes
      if let view = arenaViews[key], view.base == arena.base + offset, view.byteCount == bytes {
        storage = view
      } else {
        storage = Storage(view: arena.base + offset, byteCount: bytes, owner: arena)
        arenaViews[key] = storage
      }
    case .variable(let index):
      storage = Storage(
        view: boundBases[index] ?? arena.base,
        byteCount: operand.shape.elementCount * operand.dtype.byteSize, owner: nil)
    case .input(let index):
      // Replaced per replay before it is read, when `inputs` is empty.
      storage = index < inputs.count ? inputs[index].buffer.storage : arena
    case .constant(let constant):
      storage = constant
    }
    return TensorBuffer(dtype: operand.dtype, shape: operand.shape, uncheckedStorage: storage)
  }
}

extension StepPlan: CustomStringConvertible {
  /// The plan as text, one action a line: the op, its backend, and where each operand lives
  /// (`arena+offset`, `var name`, `input i`, `const`), then the arena's size.
  var description: String {
    func describe(_ operand: Operand) -> String {
      let place: String
      switch operand.location {
      case .arena(let offset, _): place = "arena+\(offset)"
      case .variable(let index): place = "var \(variables[index].path)"
      case .input(let index): place = "input \(index)"
      case .constant: place = "const"
      }
      return "\(place) \(operand.dtype)\(operand.shape)"
    }
    var lines: [String] = []
    for (index, action) in actions.enumerated() {
      switch action {
      case .op(let op, _, let inputs, let outputs, let entry, _):
        lines.append(
          "\(index): \(op) on \(entry.name) (\(inputs.map(describe).joined(separator: ", ")))"
            + " -> (\(outputs.map(describe).joined(separator: ", ")))")
      case .assign(let source, let variable):
        lines.append("\(index): assign \(describe(source)) -> var \(variables[variable].path)")
      case .collective(let collective, let inputs, let outputs):
        lines.append(
          "\(index): \(collective.name) on the host "
            + "(\(inputs.map(describe).joined(separator: ", ")))"
            + " -> (\(outputs.map(describe).joined(separator: ", ")))")
      }
    }
    for group in fusedGroups { lines.append("fused: \(group)") }
    lines.append(
      "arena: \(arenaBytes) bytes; \(variables.count) variables; "
        + "\(randomDrawCount) random draws; \(optimizers.count) optimizers bound per step")
    return lines.joined(separator: "\n")
  }
}
