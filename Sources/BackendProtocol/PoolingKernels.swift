/// 2-D max and average pooling, forward and backward (op codes `.maxPool2d`,
/// `.maxPool2dGradient`, `.avgPool2d`, `.avgPool2dGradient`), in the channels-last layout of
/// ``Pooling2D``. Every kernel receives a geometry already checked against its buffers.
///
/// The frontend's composites (a gather of the windows, then a reduction) run where no backend
/// has the family, and they are the oracle the conformance tests hold a kernel to.
public protocol PoolingKernels: Backend {
  /// Each window's maximum over its cells inside the input.
  func maxPool2d(_ x: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer) throws
  /// The gradient of ``maxPool2d(_:_:_:)``: `out` (x's shape) gets each `upstream` value added
  /// at its window's first maximum in row-major order (TensorFlow's choice among ties).
  func maxPool2dGradient(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer
  ) throws
  /// Each window's mean over its cells inside the input.
  func avgPool2d(_ x: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer) throws
  /// The gradient of ``avgPool2d(_:_:_:)``: each `upstream` value spread evenly over its
  /// window's cells inside the input.
  func avgPool2dGradient(_ upstream: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer)
    throws
}

extension PoolingKernels {
  /// Runs a pooling record on this family's kernels after checking its geometry.
  public func executePooling(_ record: OpRecord) throws {
    let geometry = try Pooling2D(record: record)
    let out = try record.output()
    switch record.op {
    case .maxPool2d: try maxPool2d(record.input(0), geometry, out)
    case .maxPool2dGradient: try maxPool2dGradient(record.input(0), record.input(1), geometry, out)
    case .avgPool2d: try avgPool2d(record.input(0), geometry, out)
    case .avgPool2dGradient: try avgPool2dGradient(record.input(0), geometry, out)
    default: throw UnsupportedOp(record.op)
    }
  }
}
