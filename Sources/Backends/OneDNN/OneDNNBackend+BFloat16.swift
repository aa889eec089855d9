import BackendProtocol
import CDNNL
import Glibc

/// bfloat16 kernels: the products and convolutions of the `mixed_bfloat16` policy on oneDNN's
/// bfloat16 kernels, which multiply bfloat16 pairs and accumulate in float32. Every other op
/// on bfloat16 operands runs in float32 between casts (the dispatcher arranges it), as it does
/// on the reference backend.
extension OneDNNBackend {
  /// Whether this CPU multiplies bfloat16 natively (`avx512_core_bf16`): without it oneDNN
  /// emulates bfloat16 through float32, slower than the float32 kernels, or has no kernel at
  /// all, so the backend then answers that it runs none (``runsInBFloat16(_:)``).
  public static let computesBFloat16: Bool = {
    let isa = dnnl_get_effective_cpu_isa().rawValue
    let needed = dnnl_cpu_isa_avx512_core_bf16.rawValue
    return isa & needed == needed
  }()

  /// The ops run on bfloat16 operands here: matmul, the fused dense kernel, and the
  /// convolution family (forward, fused with a bias and activation, and both gradients), on a
  /// CPU that ``computesBFloat16``.
  static func runsInBFloat16(_ op: OpCode) -> Bool {
    guard computesBFloat16 else { return false }
    switch op {
    case .matmul, .dense, .conv2d, .conv2dBiasActivation, .conv2dBackwardInput,
      .conv2dBackwardFilter:
      return true
    default:
      return false
    }
  }

  /// The fused dense kernel on bfloat16 operands: the product accumulated in float32, then,
  /// in one pass over it, the roundings the unfused ops would make: the product rounded to
  /// bfloat16, the bias added and the sum rounded, the activation applied and rounded. So for
  /// a 2-D `x` it equals `matmul`, `add` and `relu` run one by one, bit for bit (sigmoid and
  /// tanh, computed here in float32, may differ from the `sigmoid` and `tanh` ops by a
  /// rounding; a higher-rank `x` is multiplied flattened, where `matmul` runs a batched
  /// product whose sums oneDNN may order otherwise). Unlike the products and convolutions,
  /// it rounds more than once, so the conformance suite holds it to two bfloat16 ulps of the
  /// float32 result rounded once.
  func denseOfBFloat16(
    _ x: TensorBuffer, _ kernel: TensorBuffer, bias: TensorBuffer?,
    activation: FusedActivation, _ out: TensorBuffer
  ) throws {
    try checkOperand(.dense, out, .bfloat16)
    let (inner, units) = (kernel.shape[0], kernel.shape[1])
    if let bias {
      try checkOperand(.dense, bias, .bfloat16)
      guard bias.shape == [units] else {
        throw PlexusError.shapeMismatch(
          context: "dense on onednn", expected: "a bias of shape (\(units))",
          received: "\(bias.shape)")
      }
    }
    let rows = out.count / Swift.max(units, 1)
    let wide = try TensorBuffer.allocate(.float32, [rows, units])
    try productOfBFloat16(
      x.reshaped([rows, inner]), kernel, transposeA: false, transposeB: false, into: wide)
    let values = wide.pointer(Float.self)
    let results = out.pointer(UInt16.self)
    let biases = try bias.map { try BFloat16.widened($0) }
    let parts = rows * units >= 1 << 16 ? WorkerPool.shared.workerCount + 1 : 1
    // One simple loop per step, each of which the compiler vectorizes; parts on the pool only
    // when the thread setting allows (``runParts(_:_:)``).
    try runParts(parts) { part in
      for row in (rows * part / parts)..<(rows * (part + 1) / parts) {
        let sums = values + row * units
        for column in 0..<units { sums[column] = BFloat16.float(BFloat16.bits(sums[column])) }
        if let biases {
          let added = biases.pointer(Float.self)
          for column in 0..<units {
            sums[column] = BFloat16.float(BFloat16.bits(sums[column] + added[column]))
          }
        }
        switch activation {
        case .linear: break
        case .relu: for column in 0..<units where sums[column] < 0 { sums[column] = 0 }
        case .sigmoid: for column in 0..<units { sums[column] = 1 / (1 + expf(-sums[column])) }
        case .tanh: for column in 0..<units { sums[column] = tanhf(sums[column]) }
        }
        let rounded = results + row * units
        for column in 0..<units { rounded[column] = BFloat16.bits(sums[column]) }
      }
    }
  }

  /// `activation(value + bias)` as the unfused ops compute it on bfloat16 operands: the sum
  /// rounded to bfloat16, then the activation (in float32) rounded.
  @inline(__always)
  private static func epilogue(_ value: Float, bias: UInt16?, _ activation: FusedActivation)
    -> UInt16
  {
    var value = value
    if let bias { value = BFloat16.float(BFloat16.bits(value + BFloat16.float(bias))) }
    switch activation {
    case .linear: break
    case .relu: if value < 0 { value = 0 }
    case .sigmoid: value = 1 / (1 + expf(-value))
    case .tanh: value = tanhf(value)
    }
    return BFloat16.bits(value)
  }

  /// Adds `bias` to each of `count` rows of `columns` bfloat16 values in `rows` and applies
  /// the activation, in place, rounding as the unfused ops would (``epilogue(_:bias:_:)``).
  static func applyToBFloat16(
    _ activation: FusedActivation, rows: TensorBuffer, count: Int, columns: Int,
    bias: TensorBuffer
  ) {
    let values = rows.pointer(UInt16.self)
    let biases = bias.pointer(UInt16.self)
    for row in 0..<count {
      for column in 0..<columns {
        let index = row * columns + column
        values[index] = epilogue(
          BFloat16.float(values[index]), bias: biases[column], activation)
      }
    }
  }

  /// Whether `x` (float32 or bfloat16) holds NaN or ±∞ (``ExactnessGuard/holdsNonFinite(_:)``
  /// for float32).
  static func holdsNonFinite(_ x: TensorBuffer) -> Bool {
    guard x.dtype == .bfloat16 else { return ExactnessGuard.holdsNonFinite(x) }
    let bits = x.pointer(UInt16.self)
    var found = false
    // All exponent bits set: ±∞ or NaN. No early exit, so the loop vectorizes.
    for index in 0..<x.count { found = found || bits[index] & 0x7F80 == 0x7F80 }
    return found
  }
}
