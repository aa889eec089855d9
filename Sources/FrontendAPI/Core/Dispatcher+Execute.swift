import BackendProtocol

extension Dispatcher {
  /// How the tape treats a dispatched op.
  enum Differentiation {
    /// Recorded with the op's rule in ``GradientRules`` when an input is tracked.
    case rule
    /// Never recorded: the op has no gradient (fills, draws, in-place updates), or the caller
    /// records a composite node of its own.
    case none
  }

  /// The one door every op goes through, as data: picks the backend (the innermost
  /// `withBackend` scope, else the running model's backend, else the default), asks whether it
  /// runs this record (op, dtype, and the attributes when the backend refines its answer),
  /// allocates the output, executes, falls back to the reference backend when the backend
  /// declined up front or answers `unsupported` at run time (counted; an error in strict
  /// mode), counts the dispatch, tells the observers, and records the op on the tape.
  static func execute(
    _ op: OpCode, _ inputs: [Tensor], _ attributes: OpAttributes = .none, output dtype: DType,
    _ shape: Shape, differentiation: Differentiation = .rule
  ) throws -> Tensor {
    let results = try run(op, inputs.map(\.buffer), attributes, output: (dtype, shape))
    let output = results[0]
    guard differentiation == .rule, inputs.contains(where: { $0.tapeID != 0 }) else {
      return Tensor(output)
    }
    return GradientTape.record(.primitive(op, attributes), inputs: inputs, output: output)
  }

  /// ``execute(_:_:_:output:_:differentiation:)`` for one input, without an array of tensors
  /// on the way: most ops have one or two inputs, and they are the hot path.
  static func execute(
    _ op: OpCode, _ x: Tensor, _ attributes: OpAttributes = .none, output dtype: DType,
    _ shape: Shape, differentiation: Differentiation = .rule
  ) throws -> Tensor {
    let output = try run(op, [x.buffer], attributes, output: (dtype, shape))[0]
    guard differentiation == .rule, x.tapeID != 0 else { return Tensor(output) }
    return GradientTape.record(.primitive(op, attributes), inputs: [x], output: output)
  }

  /// ``execute(_:_:_:output:_:differentiation:)`` for two inputs.
  static func execute(
    _ op: OpCode, _ a: Tensor, _ b: Tensor, _ attributes: OpAttributes = .none,
    output dtype: DType, _ shape: Shape, differentiation: Differentiation = .rule
  ) throws -> Tensor {
    let output = try run(op, [a.buffer, b.buffer], attributes, output: (dtype, shape))[0]
    guard differentiation == .rule, a.tapeID != 0 || b.tapeID != 0 else { return Tensor(output) }
    return GradientTape.record(.primitive(op, attributes), inputs: [a, b], output: output)
  }

  /// Dispatches a record built from `inputs` and returns its outputs: one of `output`'s dtype
  /// and shape, or none for an in-place op (`output` nil).
  static func run(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    output: (dtype: DType, shape: Shape)?
  ) throws -> [TensorBuffer] {
    if output?.dtype == .bfloat16 || inputs.contains(where: { $0.dtype == .bfloat16 }),
      needsFloat32StandIn(op)
    {
      return try runThroughFloat32(op, inputs, attributes, outputs: output.map { [$0] } ?? [])
    }
    return try run(op, inputs, attributes, outputDType: output?.dtype) { backend in
      guard let output else { return [] }
      return [try backend.allocate(output.dtype, output.shape)]
    }
  }

  /// Dispatches a record of several outputs (a normalization's result and its statistics, a
  /// gradient for each operand) and returns them, untracked: the caller records what the tape
  /// needs.
  static func run(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    outputs: [(dtype: DType, shape: Shape)]
  ) throws -> [TensorBuffer] {
    if outputs.contains(where: { $0.dtype == .bfloat16 })
      || inputs.contains(where: { $0.dtype == .bfloat16 }), needsFloat32StandIn(op)
    {
      return try runThroughFloat32(op, inputs, attributes, outputs: outputs)
    }
    return try run(op, inputs, attributes, outputDType: outputs.first?.dtype) { backend in
      try outputs.map { try backend.allocate($0.dtype, $0.shape) }
    }
  }

  /// Whether `op` on bfloat16 operands runs in float32 between casts: the selected backend has
  /// no bfloat16 kernel for it (casts and copies are always native).
  private static func needsFloat32StandIn(_ op: OpCode) -> Bool {
    guard op != .cast, op != .copy else { return false }
    return !(selectedEntry?.supports(op, .bfloat16) ?? false)
  }

  /// Runs `op` in float32: each bfloat16 input widened by a `cast` record, the op on float32
  /// stand-ins for its bfloat16 outputs, each rounded back by a `cast` record (ties to even).
  /// Every step is a dispatched record, so a compiled step captures and replays it. An
  /// in-place op on a bfloat16 input (an update of a bfloat16 variable) is an error: its
  /// writes would land in the widened copy.
  private static func runThroughFloat32(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    outputs: [(dtype: DType, shape: Shape)]
  ) throws -> [TensorBuffer] {
    guard !outputs.isEmpty else {
      throw PlexusError.unsupported(
        op: op.description, dtype: .bfloat16, backend: selectedEntry?.name ?? "none")
    }
    let wide = try inputs.map { input in
      input.dtype == .bfloat16
        ? try run(
          .cast, [input], [.targetDType: .dtype(.float32)], output: (.float32, input.shape))[0]
        : input
    }
    let standIns = outputs.map { ($0.dtype == .bfloat16 ? DType.float32 : $0.dtype, $0.shape) }
    let results = try run(op, wide, attributes, outputs: standIns)
    return try zip(results, outputs).map { result, wanted in
      wanted.dtype == .bfloat16
        ? try run(
          .cast, [result], [.targetDType: .dtype(.bfloat16)], output: (.bfloat16, wanted.shape))[0]
        : result
    }
  }

  /// The dispatch itself; `allocate` makes the record's outputs on the backend that runs it (a
  /// non-escaping closure: nothing is allocated for it on the hot path).
  private static func run(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes, outputDType: DType?,
    allocate: (any Backend) throws -> [TensorBuffer]
  ) throws -> [TensorBuffer] {
    let scope = self.scope
    guard let selected = selectedEntry(in: scope) else {
      throw PlexusError.invalidState(context: "\(op)", message: "no backend is registered")
    }
    let dtype = OpRecord.supportDType(
      op, first: inputs.first?.dtype, second: inputs.count > 1 ? inputs[1].dtype : nil,
      output: outputDType)
    let observed = observersActive
    if selected.supports(op, dtype) {
      let record = OpRecord(
        op, inputs: inputs, attributes: attributes, outputs: try allocate(selected.backend))
      if !selected.refinesSupport || selected.backend.supports(record) {
        let start = observed ? monotonicNanoseconds() : 0
        if try selected.backend.execute(record) == .done {
          countDispatch(on: selected, op, in: scope)
          if let recorder = scope.recorder {
            recorder.append(record, on: selected)
          } else {
            markUnrecorded(record.outputs)
          }
          if observed { notify(record, on: selected, fallbackFrom: nil, start: start) }
          return record.outputs
        }
      }
    }
    return try runOnFallback(
      op, inputs, attributes, allocate, dtype, from: selected, scope: scope, observed)
  }

  /// Runs a record the selected backend declined (up front or at run time) on the fallback.
  private static func runOnFallback(
    _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    _ allocate: (any Backend) throws -> [TensorBuffer], _ dtype: DType,
    from selected: BackendEntry, scope: Scope, _ observed: Bool
  ) throws -> [TensorBuffer] {
    guard let fallback = fallbackEntry, fallback !== selected, fallback.supports(op, dtype) else {
      throw PlexusError.unsupported(op: op.description, dtype: dtype, backend: selected.name)
    }
    try countFallback(from: selected, op, dtype, in: scope)
    let record = OpRecord(
      op, inputs: inputs, attributes: attributes, outputs: try allocate(fallback.backend))
    let start = observed ? monotonicNanoseconds() : 0
    guard try fallback.backend.execute(record) == .done else {
      throw PlexusError.unsupported(op: op.description, dtype: dtype, backend: fallback.name)
    }
    countDispatch(on: fallback, op, in: scope)
    if let recorder = scope.recorder {
      recorder.append(record, on: fallback, fallbackFrom: selected)
    } else {
      markUnrecorded(record.outputs)
    }
    if observed { notify(record, on: fallback, fallbackFrom: selected.name, start: start) }
    return record.outputs
  }
}
