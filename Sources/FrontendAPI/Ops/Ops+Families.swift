extension Ops {
  /// Runs `op` as one dispatched kernel where the selected backend (or, outside strict mode,
  /// the fallback) has its family, else as `composite`. Either way the tape records one node
  /// with `op`'s gradient rule: the composite runs on untracked copies of the inputs, so its
  /// primitives are not recorded one by one.
  static func family(
    _ op: OpCode, _ inputs: [Tensor], _ attributes: OpAttributes, output dtype: DType,
    _ shape: Shape, composite: ([Tensor]) throws -> Tensor
  ) throws -> Tensor {
    if Dispatcher.anyBackendSupports(op, dtype),
      let result = try dispatchFamily(op, inputs, attributes, output: dtype, shape)
    {
      return result
    }
    guard inputs.contains(where: { $0.tapeID != 0 }) else { return try composite(inputs) }
    let value = try composite(inputs.map { Tensor($0.buffer) })
    return GradientTape.record(.primitive(op, attributes), inputs: inputs, output: value.buffer)
  }

  /// ``family(_:_:_:output:_:composite:)`` for an op of several outputs (a normalization's
  /// result and its statistics, a gradient per operand): one kernel where a backend has the
  /// family, else `composite` (returning the outputs in the record's order) on untracked copies
  /// of the inputs. The outputs come back untracked: the caller records the one tape node its
  /// rule needs.
  static func familyOutputs(
    _ op: OpCode, _ inputs: [Tensor], _ attributes: OpAttributes,
    outputs: [(dtype: DType, shape: Shape)], composite: ([Tensor]) throws -> [Tensor]
  ) throws -> [Tensor] {
    let buffers = inputs.map(\.buffer)
    if Dispatcher.anyBackendSupports(op, inputs.first?.dtype ?? .float32) {
      do {
        return try Dispatcher.run(op, buffers, attributes, outputs: outputs).map { Tensor($0) }
      } catch PlexusError.unsupported(let name, _, _) where name == op.description {
        // Declined at run time with no fallback that runs the family: the composite runs.
      }
    }
    return try composite(buffers.map { Tensor($0) }).map { Tensor($0.buffer) }
  }

  /// Dispatches a kernel-family op, or answers nil when the backend that claimed it declined
  /// at run time and no fallback runs the family (the reference backend runs none): the
  /// caller then runs the family's composite, as it would have had nobody claimed the op.
  static func dispatchFamily(
    _ op: OpCode, _ inputs: [Tensor], _ attributes: OpAttributes, output dtype: DType,
    _ shape: Shape
  ) throws -> Tensor? {
    do {
      return try Dispatcher.execute(op, inputs, attributes, output: dtype, shape)
    } catch PlexusError.unsupported(let name, _, _) where name == op.description {
      return nil
    }
  }

  /// `activation(x)` from primitives: the tail of the fused kernels' composites.
  public static func activate(_ x: Tensor, _ activation: FusedActivation) throws -> Tensor {
    switch activation {
    case .linear: x
    case .relu: try relu(x)
    case .sigmoid: try sigmoid(x)
    case .tanh: try tanh(x)
    }
  }
}
