import BackendProtocol

/// Which patterns a compiled step fuses into one kernel before it replays.
///
/// Layers already dispatch fused ops (`dense`, `conv2d_bias_activation`); fusion rewrites the
/// same patterns where code spells them op by op: a `matmul` (or `conv2d`) whose result only
/// feeds a bias `add`, and optionally an activation, becomes one `dense` (or
/// `conv2d_bias_activation`) record on a backend that has the fused kernel (oneDNN).
public enum Fusion: String, Sendable {
  /// No rewriting: the replay runs exactly the records the capture ran.
  case none
  /// Patterns whose fused kernel rounds as the ops did: `matmul` + bias `add` (+ `relu`).
  /// The default; compiled stays bit for bit equal to eager.
  case exact
  /// Also `sigmoid` and `tanh` activations, and convolutions (oneDNN adds a convolution's
  /// bias inside the primitive): these may round differently in the last bits.
  case all
}

/// The rewriting itself, on a capture's events.
enum FusionPass {
  /// `events` with each qualifying pattern replaced by one `dense` record, and a line per
  /// fused group for the plan's dump. `results` are the step's results (never fused away).
  static func apply(
    _ fusion: Fusion, to events: [StepRecorder.Event], results: [Tensor]
  ) -> (events: [StepRecorder.Event], groups: [String]) {
    guard fusion != .none else { return (events, []) }
    // How often each storage is read (by records, assignments and the step's results).
    var reads: [ObjectIdentifier: Int] = [:]
    for event in events {
      switch event {
      case .op(let record, _, _):
        for input in record.inputs { reads[ObjectIdentifier(input.storage), default: 0] += 1 }
      case .assign(let source, _):
        reads[ObjectIdentifier(source.storage), default: 0] += 1
      case .collective(_, let inputs, _):
        for input in inputs { reads[ObjectIdentifier(input.storage), default: 0] += 1 }
      }
    }
    for result in results { reads[ObjectIdentifier(result.buffer.storage), default: 0] += 1 }
    func readOnce(_ buffer: TensorBuffer) -> Bool { reads[ObjectIdentifier(buffer.storage)] == 1 }

    var output: [StepRecorder.Event] = []
    var groups: [String] = []
    var index = 0
    while index < events.count {
      guard let fused = fuseProduct(at: index, events, fusion: fusion, readOnce: readOnce)
      else {
        output.append(events[index])
        index += 1
        continue
      }
      output.append(fused.event)
      groups.append(fused.description)
      index = fused.next
    }
    return (output, groups)
  }

  /// The fused op for a product record: `dense` for an untransposed `matmul` by a matrix,
  /// `conv2d_bias_activation` for a `conv2d` (under `.all`).
  private static func fusedOp(for product: OpRecord, fusion: Fusion) -> OpCode? {
    switch product.op {
    case .matmul
    where product.attributes[.transposeA] != .bool(true)
      && product.attributes[.transposeB] != .bool(true) && product.inputs.count == 2
      && product.inputs[1].shape.rank == 2:
      return .dense
    case .conv2d where fusion == .all && product.inputs.count == 2:
      return .conv2dBiasActivation
    default:
      return nil
    }
  }

  /// The fused record replacing a product → bias `add` (→ activation) starting at `start`,
  /// when the events there form one.
  private static func fuseProduct(
    at start: Int, _ events: [StepRecorder.Event], fusion: Fusion,
    readOnce: (TensorBuffer) -> Bool
  ) -> (event: StepRecorder.Event, next: Int, description: String)? {
    guard start + 1 < events.count,
      case .op(let product, let entry, nil) = events[start],
      let fusedOp = fusedOp(for: product, fusion: fusion),
      let x = product.inputs.first, x.dtype == .float32, let y = product.outputs.first,
      readOnce(y), let channels = y.shape.dims.last, entry.supports(fusedOp, .float32),
      case .op(let add, let addEntry, nil) = events[start + 1], add.op == .add,
      addEntry === entry, add.inputs.count == 2, add.inputs[0].storage === y.storage,
      add.inputs[1].shape == [channels], add.inputs[1].dtype == .float32,
      let biased = add.outputs.first, biased.shape == y.shape
    else { return nil }
    var activation = FusedActivation.linear
    var last = biased
    var next = start + 2
    if next < events.count, readOnce(biased),
      case .op(let activate, let activateEntry, nil) = events[next], activateEntry === entry,
      activate.inputs.count == 1, activate.inputs[0].storage === biased.storage,
      let chosen = Self.activation(activate.op, fusion: fusion), let out = activate.outputs.first
    {
      activation = chosen
      last = out
      next += 1
    }
    let attributes =
      fusedOp == .dense
      ? [.activation: .int(activation.rawValue)]
      : product.attributes.with(.activation, .int(activation.rawValue))
    let record = OpRecord(
      fusedOp, inputs: [x, product.inputs[1], add.inputs[1]], attributes: attributes,
      outputs: [last])
    let pattern = "\(product.op) + add" + (activation == .linear ? "" : " + \(activation)")
    return (
      .op(record, entry, fallbackFrom: nil), next, "\(pattern) → \(fusedOp) on \(entry.name)"
    )
  }

  /// The fused activation for `op` under `fusion`: relu always (exact), sigmoid and tanh only
  /// under `.all`.
  private static func activation(_ op: OpCode, fusion: Fusion) -> FusedActivation? {
    switch op {
    case .relu: .relu
    case .sigmoid where fusion == .all: .sigmoid
    case .tanh where fusion == .all: .tanh
    default: nil
    }
  }
}
