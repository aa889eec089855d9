import BackendProtocol
import CDNNL

/// An LSTM or a GRU over one batch in oneDNN's terms: one layer, one direction (right to left
/// for Keras's `go_backwards`), Keras's weights as they are (`ldigo`: `[features, gates,
/// units]`, the gates in Keras's order, which is oneDNN's: i, f, c, o for the LSTM, z, r, h
/// for the GRU), the bias `ldgo` and the sequences batch-major (`ntc`). oneDNN's LSTM is
/// Keras's with sigmoid gates and tanh activations; its linear-before-reset GRU is Keras's GRU
/// with `reset_after`, whose bias oneDNN takes as four rows: the input and recurrent biases of
/// z and r summed, then the candidate's input and recurrent biases (the backend converts).
///
/// The plans take their operands as ``OneDNNBackend`` passes them:
/// - forward (`lstm`, `gru`): x, kernel, recurrent kernel, bias, h₀, [c₀], then the outputs at
///   every step (dense `[N, T, U]`, each at its input's step), the last output and [the last
///   cell state];
/// - backward (`lstm_gradient`, `gru_gradient`): x, kernel, recurrent kernel, bias, h₀, [c₀],
///   the gradient of the outputs (dense `[N, T, U]`, each at its input's step), [of the last
///   cell state,] of the last output, then dx, dkernel, drecurrent kernel, dbias, dh₀, [dc₀].
///
/// The backward plan runs the forward pass in training first, for the workspace oneDNN's
/// backward pass reads (so the op's operands are plain tensors, whichever backend ran the
/// forward pass). oneDNN adds the weights' gradients to what their buffers hold: the backend
/// zeroes them first.
struct RecurrentPlan {
  let op: OpCode
  let batch: Int
  let steps: Int
  let features: Int
  let units: Int
  let goBackwards: Bool

  /// Every size and setting the descriptors are built from, for a cache key.
  var key: [Int] { [batch, steps, features, units, goBackwards ? 1 : 0] }

  private var isLSTM: Bool { op == .lstm || op == .lstmGradient }
  private var gates: Int { isLSTM ? 4 : 3 }

  private var direction: dnnl_rnn_direction_t {
    goBackwards ? dnnl_unidirectional_right2left : dnnl_unidirectional_left2right
  }

  /// `[T, N, width]` stored batch-major (`ntc`).
  private func sequence(_ width: Int) throws -> dnnl_memory_desc_t {
    try memoryDescriptor([steps, batch, width], strides: [width, steps * width, 1], op)
  }
  /// One layer's and direction's state, `[1, 1, N, U]` (`ldnc`).
  private var state: dnnl_memory_desc_t {
    get throws { try memoryDescriptor([1, 1, batch, units], op) }
  }
  /// Weights as Keras holds them, `[1, 1, rows, gates, U]` (`ldigo`).
  private func weights(_ rows: Int) throws -> dnnl_memory_desc_t {
    try memoryDescriptor([1, 1, rows, gates, units], op)
  }
  /// Weights in the layout the primitive picks.
  private func anyWeights(_ rows: Int) throws -> dnnl_memory_desc_t {
    try anyLayoutDescriptor([1, 1, rows, gates, units], op)
  }
  /// Four rows of biases for either cell (`ldgo`).
  private var bias: dnnl_memory_desc_t {
    get throws { try memoryDescriptor([1, 1, 4, units], op) }
  }

  private func forward(training: Bool) throws -> PrimitiveDescriptor {
    var (source, output) = (try sequence(features), try sequence(units))
    var (h0, c0, hT, cT) = (try state, try state, try state, try state)
    var (kernel, recurrent, bias) = (try anyWeights(features), try anyWeights(units), try bias)
    let kind = training ? dnnl_forward_training : dnnl_forward_inference
    var descriptor = dnnl_rnn_desc_t()
    if isLSTM {
      try check(
        dnnl_lstm_forward_desc_init(
          &descriptor, kind, direction, &source, &h0, &c0, &kernel, &recurrent, &bias, &output,
          &hT, &cT, 0), op, "dnnl_lstm_forward_desc_init")
    } else {
      try check(
        dnnl_lbr_gru_forward_desc_init(
          &descriptor, kind, direction, &source, &h0, &kernel, &recurrent, &bias, &output, &hT,
          0), op, "dnnl_lbr_gru_forward_desc_init")
    }
    return try PrimitiveDescriptor(op, &descriptor)
  }

  private func backward(hint: PrimitiveDescriptor) throws -> PrimitiveDescriptor {
    var (source, output) = (try sequence(features), try sequence(units))
    var (h0, c0, hT, cT) = (try state, try state, try state, try state)
    var (kernel, recurrent, bias) = (try anyWeights(features), try anyWeights(units), try bias)
    var (dSource, dOutput) = (try sequence(features), try sequence(units))
    var (dh0, dc0, dhT, dcT) = (try state, try state, try state, try state)
    var (dKernel, dRecurrent, dBias) = (try weights(features), try weights(units), try self.bias)
    var descriptor = dnnl_rnn_desc_t()
    if isLSTM {
      try check(
        dnnl_lstm_backward_desc_init(
          &descriptor, dnnl_backward, direction, &source, &h0, &c0, &kernel, &recurrent, &bias,
          &output, &hT, &cT, &dSource, &dh0, &dc0, &dKernel, &dRecurrent, &dBias, &dOutput, &dhT,
          &dcT, 0), op, "dnnl_lstm_backward_desc_init")
    } else {
      try check(
        dnnl_lbr_gru_backward_desc_init(
          &descriptor, dnnl_backward, direction, &source, &h0, &kernel, &recurrent, &bias,
          &output, &hT, &dSource, &dh0, &dKernel, &dRecurrent, &dBias, &dOutput, &dhT, 0), op,
        "dnnl_lbr_gru_backward_desc_init")
    }
    return try PrimitiveDescriptor(op, &descriptor, hint: hint)
  }

  /// The plan of ``op``, its operands numbered as the type's documentation lists them.
  func plan() throws -> PrimitivePlan {
    var builder = Builder(op: op)
    let (source, output, state, bias) = (
      try sequence(features), try sequence(units), try self.state, try self.bias
    )
    // The operands in the order documented above, numbered as they come.
    var next = 0
    func operand() -> Int {
      defer { next += 1 }
      return next
    }
    let (x, kernelOperand, recurrentOperand, biasOperand, h0) = (
      operand(), operand(), operand(), operand(), operand()
    )
    let c0 = isLSTM ? operand() : nil
    let forward = try forward(training: op == .lstmGradient || op == .gruGradient)
    let (kernel, recurrent) = (
      try builder.weights(
        for: forward, DNNL_ARG_WEIGHTS_LAYER, from: kernelOperand, weights(features)),
      try builder.weights(
        for: forward, DNNL_ARG_WEIGHTS_ITER, from: recurrentOperand, weights(units))
    )
    let inputs: [PrimitivePlan.Argument] =
      [
        .init(id: DNNL_ARG_SRC_LAYER, operand: x, descriptor: source),
        .init(id: DNNL_ARG_SRC_ITER, operand: h0, descriptor: state), kernel, recurrent,
        .init(id: DNNL_ARG_BIAS, operand: biasOperand, descriptor: bias),
      ] + (c0.map { [.init(id: DNNL_ARG_SRC_ITER_C, operand: $0, descriptor: state)] } ?? [])
    func results(_ outputs: Int, _ last: Int, _ lastCell: Int?) -> [PrimitivePlan.Argument] {
      [
        .init(id: DNNL_ARG_DST_LAYER, operand: outputs, descriptor: output),
        .init(id: DNNL_ARG_DST_ITER, operand: last, descriptor: state),
      ] + (lastCell.map { [.init(id: DNNL_ARG_DST_ITER_C, operand: $0, descriptor: state)] } ?? [])
    }
    if op == .lstm || op == .gru {
      let (outputs, last) = (operand(), operand())
      let lastCell = isLSTM ? operand() : nil
      builder.steps.append(
        .init(
          primitive: try Primitive(op, forward),
          arguments: inputs + results(outputs, last, lastCell)))
      return try builder.finish()
    }
    // The forward pass in training, into temporaries the backward pass reads.
    guard let workspace = forward.memory(dnnl_query_workspace_md) else {
      throw UnsupportedOp(op)
    }
    let kept = builder.temporary(workspace.descriptor)
    let forwardResults =
      results(
        builder.temporary(output), builder.temporary(state), isLSTM ? builder.temporary(state) : nil
      )
      + [.init(id: DNNL_ARG_WORKSPACE, operand: kept, descriptor: workspace.descriptor)]
    builder.steps.append(
      .init(primitive: try Primitive(op, forward), arguments: inputs + forwardResults))
    let backward = try backward(hint: forward)
    let (backwardKernel, backwardRecurrent) = (
      try builder.weights(
        for: backward, DNNL_ARG_WEIGHTS_LAYER, from: kernelOperand, weights(features)),
      try builder.weights(
        for: backward, DNNL_ARG_WEIGHTS_ITER, from: recurrentOperand, weights(units))
    )
    let reads = (inputs + forwardResults).filter {
      $0.id != DNNL_ARG_WEIGHTS_LAYER && $0.id != DNNL_ARG_WEIGHTS_ITER
    }
    let dOutputs = operand()
    let dLastCell = isLSTM ? operand() : nil
    let dLast = operand()
    let (dx, dKernel, dRecurrent, dBias, dh0) = (
      operand(), operand(), operand(), operand(), operand()
    )
    let dc0 = isLSTM ? operand() : nil
    var gradients: [PrimitivePlan.Argument] = [
      backwardKernel, backwardRecurrent,
      .init(id: DNNL_ARG_DIFF_DST_LAYER, operand: dOutputs, descriptor: output),
      .init(id: DNNL_ARG_DIFF_DST_ITER, operand: dLast, descriptor: state),
      .init(id: DNNL_ARG_DIFF_SRC_LAYER, operand: dx, descriptor: source),
      .init(id: DNNL_ARG_DIFF_WEIGHTS_LAYER, operand: dKernel, descriptor: try weights(features)),
      .init(id: DNNL_ARG_DIFF_WEIGHTS_ITER, operand: dRecurrent, descriptor: try weights(units)),
      .init(id: DNNL_ARG_DIFF_BIAS, operand: dBias, descriptor: bias),
      .init(id: DNNL_ARG_DIFF_SRC_ITER, operand: dh0, descriptor: state),
    ]
    if let dLastCell, let dc0 {
      gradients += [
        .init(id: DNNL_ARG_DIFF_DST_ITER_C, operand: dLastCell, descriptor: state),
        .init(id: DNNL_ARG_DIFF_SRC_ITER_C, operand: dc0, descriptor: state),
      ]
    }
    builder.steps.append(
      .init(primitive: try Primitive(op, backward), arguments: reads + gradients))
    return try builder.finish()
  }

  /// Collects a plan's steps and temporaries.
  private struct Builder {
    let op: OpCode
    var steps: [PrimitivePlan.Step] = []
    var temporaries: [Int] = []

    /// A temporary of `descriptor`'s size; its operand number.
    mutating func temporary(_ descriptor: dnnl_memory_desc_t) -> Int {
      var descriptor = descriptor
      temporaries.append(Int(clamping: dnnl_memory_desc_get_size(&descriptor)))
      return PrimitivePlan.temporary(temporaries.count - 1)
    }

    /// The argument `id` of `primitive`: operand `operand` itself when the primitive reads
    /// it in the caller's layout, else a reorder of it into a temporary, appended as a step.
    mutating func weights(
      for primitive: PrimitiveDescriptor, _ id: Int32, from operand: Int,
      _ plain: dnnl_memory_desc_t
    ) throws -> PrimitivePlan.Argument {
      guard let wanted = primitive.descriptor(dnnl_query_exec_arg_md, index: id) else {
        throw UnsupportedOp(op)
      }
      if sameLayout(wanted, plain) {
        return .init(id: id, operand: operand, descriptor: plain)
      }
      let reordered = temporary(wanted)
      steps.append(
        .init(
          primitive: try Primitive(op, reorderFrom: plain, to: wanted),
          arguments: [
            .init(id: DNNL_ARG_FROM, operand: operand, descriptor: plain),
            .init(id: DNNL_ARG_TO, operand: reordered, descriptor: wanted),
          ]))
      return .init(id: id, operand: reordered, descriptor: wanted)
    }

    func finish() throws -> PrimitivePlan {
      try PrimitivePlan(steps, op, temporaries: temporaries)
    }
  }
}
