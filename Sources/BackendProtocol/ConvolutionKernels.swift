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

/// A convolution with its bias and activation applied in the same pass (op code
/// `.conv2dBiasActivation`; oneDNN's post-ops): what a `Conv2D` layer with a bias and a fusable
/// activation asks for. Its composite is the convolution, a bias add and the activation.
public protocol FusedConvolutionKernels: ConvolutionKernels {
  /// `out = activation(conv2d(x, filter) + bias)`, `bias` of shape `[O]`.
  func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, bias: TensorBuffer, activation: FusedActivation,
    _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws
}

extension FusedConvolutionKernels {
  /// Runs a `conv2d_bias_activation` record after checking its geometry, bias and activation.
  public func executeFusedConvolution(_ record: OpRecord) throws {
    let geometry = try Convolution2D(record: record)
    let bias = try record.input(2)
    guard bias.shape == [geometry.filters], bias.dtype == record.inputs[0].dtype else {
      throw PlexusError.shapeMismatch(
        context: "\(record.op)",
        expected: "a \(record.inputs[0].dtype) bias of shape [\(geometry.filters)]",
        received: "\(bias.dtype) \(bias.shape)")
    }
    let activation = try FusedActivation(record.attributes, of: record.op)
    try conv2d(
      record.input(0), record.input(1), bias: bias, activation: activation, geometry,
      record.output())
  }
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
