/// The geometry of 2-D max or average pooling in the channels-last layout, checked once for
/// every backend: input `[N, H, W, C]`, output `[N, OH, OW, C]`, with
/// `OH = (H + top + bottom - windowHeight) / strideHeight + 1` (and the same along the width).
///
/// Padding cells are never part of a result: max pooling never chooses them and average pooling
/// divides by the number of cells inside the input, as Keras and TensorFlow do for `"same"`
/// padding. So each side's padding must be smaller than the window, or a window could hold
/// nothing but padding.
public struct Pooling2D: Sendable, Hashable {
  /// `N`.
  public let batch: Int
  /// `H`.
  public let height: Int
  /// `W`.
  public let width: Int
  /// `C`.
  public let channels: Int
  /// The window's size.
  public let windowHeight: Int
  public let windowWidth: Int
  /// The step between windows.
  public let strideHeight: Int
  public let strideWidth: Int
  /// Cells outside the input before and after each spatial axis.
  public let padTop: Int
  public let padBottom: Int
  public let padLeft: Int
  public let padRight: Int
  /// `OH`.
  public let outHeight: Int
  /// `OW`.
  public let outWidth: Int

  /// Checks pooling of an `input`-shaped tensor; `window` and `strides` are `[height, width]`,
  /// `padding` is `[top, bottom, left, right]`. Errors name `context`.
  public init(
    input: Shape, window: [Int], strides: [Int], padding: [Int],
    context: @autoclosure () -> String = "pool2d"
  ) throws {
    func fail(_ message: String) -> PlexusError {
      .invalidArgument(context: context(), message: message)
    }
    guard input.rank == 4, input.dims.allSatisfy({ $0 >= 0 }) else {
      throw fail("expected an input of shape [batch, height, width, channels], received \(input)")
    }
    guard window.count == 2, window.allSatisfy({ $0 >= 1 }) else {
      throw fail("expected a window of two sizes of at least 1, received \(window)")
    }
    guard strides.count == 2, strides.allSatisfy({ $0 >= 1 }) else {
      throw fail("expected two strides of at least 1, received \(strides)")
    }
    guard padding.count == 4, padding.allSatisfy({ $0 >= 0 }),
      padding[0] < window[0], padding[1] < window[0], padding[2] < window[1],
      padding[3] < window[1]
    else {
      throw fail(
        "expected padding [top, bottom, left, right], each side smaller than the window "
          + "\(window), received \(padding)")
    }
    (batch, height, width, channels) = (input.dims[0], input.dims[1], input.dims[2], input.dims[3])
    (windowHeight, windowWidth) = (window[0], window[1])
    (strideHeight, strideWidth) = (strides[0], strides[1])
    (padTop, padBottom, padLeft, padRight) = (padding[0], padding[1], padding[2], padding[3])
    guard
      let outHeight = Convolution2D.outputSize(
        height, kernel: windowHeight, stride: strideHeight, dilation: 1, padding: padTop,
        padBottom),
      let outWidth = Convolution2D.outputSize(
        width, kernel: windowWidth, stride: strideWidth, dilation: 1, padding: padLeft, padRight)
    else {
      throw fail(
        "a \(windowHeight)×\(windowWidth) window does not fit a \(height)×\(width) input "
          + "padded by \(padding)")
    }
    (self.outHeight, self.outWidth) = (outHeight, outWidth)
  }

  /// The geometry of a pooling record (`max_pool2d`, `max_pool2d_gradient`, `avg_pool2d`,
  /// `avg_pool2d_gradient`), with every operand's shape and dtype checked against it.
  public init(record: OpRecord) throws {
    let op = record.op
    let out = try record.output()
    let (input, result): (TensorBuffer, TensorBuffer)
    switch op {
    case .maxPool2d, .avgPool2d: (input, result) = (try record.input(0), out)
    case .maxPool2dGradient: (input, result) = (try record.input(0), try record.input(1))
    case .avgPool2dGradient: (input, result) = (out, try record.input(0))
    default: throw UnsupportedOp(op)
    }
    let attributes = record.attributes
    try self.init(
      input: input.shape, window: attributes.ints(.window, of: op),
      strides: attributes.ints(.strides, of: op), padding: attributes.ints(.padding, of: op),
      context: "\(op)")
    for operand in [out, result] where operand.dtype != input.dtype {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "every operand in \(input.dtype)", received: "\(operand.dtype)")
    }
    if op == .maxPool2dGradient && out.shape != input.shape {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "an output of the input's shape \(input.shape)",
        received: "\(out.shape)")
    }
    guard result.shape == outputShape else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "a pooled shape \(outputShape)", received: "\(result.shape)")
    }
  }

  /// `[N, H, W, C]`.
  public var inputShape: Shape { [batch, height, width, channels] }
  /// `[N, OH, OW, C]`.
  public var outputShape: Shape { [batch, outHeight, outWidth, channels] }

  /// The record attributes that describe this geometry.
  public var attributes: OpAttributes {
    [
      .window: .ints([windowHeight, windowWidth]), .strides: .ints([strideHeight, strideWidth]),
      .padding: .ints([padTop, padBottom, padLeft, padRight]),
    ]
  }
}
