/// 2-D convolution forward and both backward passes (op codes `.conv2d`,
/// `.conv2dBackwardInput`, `.conv2dBackwardFilter`), in the channels-last layout of
/// ``Convolution2D``. Every kernel receives a geometry already checked against its buffers.
///
/// The frontend's composite (an im2col gather and a matrix product) runs where no backend has
/// the family, and it is the oracle the conformance tests hold a kernel to.
public protocol ConvolutionKernels: Backend {
  /// `out[n, oh, ow, o] = Σ x[n, oh·sh + kh·dh - top, ow·sw + kw·dw - left, g·C/G + c]
  /// · filter[kh, kw, c, o]` over the taps inside the input, `g` being `o`'s group.
  func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws
  /// The gradient of ``conv2d(_:_:_:_:)`` with respect to its input, from the output's
  /// gradient `upstream`.
  func conv2dBackwardInput(
    _ upstream: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D,
    _ out: TensorBuffer
  ) throws
  /// The gradient of ``conv2d(_:_:_:_:)`` with respect to its filter.
  func conv2dBackwardFilter(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws
}

extension ConvolutionKernels {
  /// Runs a convolution record on this family's kernels after checking its geometry.
  public func executeConvolution(_ record: OpRecord) throws {
    let geometry = try Convolution2D(record: record)
    let out = try record.output()
    switch record.op {
    case .conv2d: try conv2d(record.input(0), record.input(1), geometry, out)
    case .conv2dBackwardInput:
      try conv2dBackwardInput(record.input(0), record.input(1), geometry, out)
    case .conv2dBackwardFilter:
      try conv2dBackwardFilter(record.input(0), record.input(1), geometry, out)
    default: throw UnsupportedOp(record.op)
    }
  }
}
