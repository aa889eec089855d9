/// The geometry of a 2-D convolution in Keras's channels-last layout, checked once for every
/// backend: input `[N, H, W, C]`, filter `[KH, KW, C/groups, O]`, output `[N, OH, OW, O]`, with
///
///     OH = (H + top + bottom - ((KH - 1)·dilationHeight + 1)) / strideHeight + 1
///
/// (and the same along the width). Output channel `o` belongs to group `o / (O / groups)` and
/// sees input channels `g·C/groups ..< (g + 1)·C/groups` of its group `g`; `groups == C` is a
/// depthwise convolution.
public struct Convolution2D: Sendable, Hashable {
  /// `N`.
  public let batch: Int
  /// `H`.
  public let height: Int
  /// `W`.
  public let width: Int
  /// `C`.
  public let channels: Int
  /// `KH`.
  public let kernelHeight: Int
  /// `KW`.
  public let kernelWidth: Int
  /// `O`.
  public let filters: Int
  /// The channel groups; `C` and `O` are multiples of it.
  public let groups: Int
  /// The step between windows, along the height and the width.
  public let strideHeight: Int
  public let strideWidth: Int
  /// The spacing between filter taps (1: adjacent).
  public let dilationHeight: Int
  public let dilationWidth: Int
  /// Implicit zeros before and after each spatial axis.
  public let padTop: Int
  public let padBottom: Int
  public let padLeft: Int
  public let padRight: Int
  /// `OH`.
  public let outHeight: Int
  /// `OW`.
  public let outWidth: Int

  /// Checks a convolution of an `input`-shaped tensor with a `filter`-shaped one; `strides`
  /// and `dilations` are `[height, width]`, `padding` is `[top, bottom, left, right]`. Errors
  /// name `context` and say what was expected.
  public init(
    input: Shape, filter: Shape, strides: [Int], dilations: [Int], padding: [Int], groups: Int,
    context: @autoclosure () -> String = "conv2d"
  ) throws {
    func fail(_ message: String) -> PlexusError {
      .invalidArgument(context: context(), message: message)
    }
    guard input.rank == 4, input.dims.allSatisfy({ $0 >= 0 }) else {
      throw fail("expected an input of shape [batch, height, width, channels], received \(input)")
    }
    guard filter.rank == 4, filter.dims.allSatisfy({ $0 >= 0 }) else {
      throw fail(
        "expected a filter of shape [height, width, channels / groups, filters], "
          + "received \(filter)")
    }
    guard strides.count == 2, strides.allSatisfy({ $0 >= 1 }) else {
      throw fail("expected two strides of at least 1, received \(strides)")
    }
    guard dilations.count == 2, dilations.allSatisfy({ $0 >= 1 }) else {
      throw fail("expected two dilation rates of at least 1, received \(dilations)")
    }
    guard padding.count == 4, padding.allSatisfy({ $0 >= 0 }) else {
      throw fail(
        "expected padding [top, bottom, left, right] of non-negative sizes, received \(padding)")
    }
    let channels = input.dims[3]
    let filters = filter.dims[3]
    guard groups >= 1, channels % groups == 0, filters % groups == 0 else {
      throw fail(
        "expected groups ≥ 1 dividing both the \(channels) input channels and the "
          + "\(filters) filters, received \(groups)")
    }
    guard filter.dims[2] * groups == channels else {
      throw fail(
        "expected a filter with \(channels / groups) input channels (\(channels) channels in "
          + "\(groups) groups), received \(filter)")
    }
    guard filter.dims[0] >= 1, filter.dims[1] >= 1 else {
      throw fail("expected a filter of at least 1×1, received \(filter)")
    }
    (batch, height, width, self.channels) = (input.dims[0], input.dims[1], input.dims[2], channels)
    (kernelHeight, kernelWidth, self.filters, self.groups) =
      (filter.dims[0], filter.dims[1], filters, groups)
    (strideHeight, strideWidth) = (strides[0], strides[1])
    (dilationHeight, dilationWidth) = (dilations[0], dilations[1])
    (padTop, padBottom, padLeft, padRight) = (padding[0], padding[1], padding[2], padding[3])
    guard
      let outHeight = Self.outputSize(
        height, kernel: kernelHeight, stride: strideHeight, dilation: dilationHeight,
        padding: padTop, padBottom),
      let outWidth = Self.outputSize(
        width, kernel: kernelWidth, stride: strideWidth, dilation: dilationWidth,
        padding: padLeft, padRight)
    else {
      throw fail(
        "a \(kernelHeight)×\(kernelWidth) filter with dilation \(dilations) does not fit a "
          + "\(height)×\(width) input padded by \(padding)")
    }
    (self.outHeight, self.outWidth) = (outHeight, outWidth)
    _ = try outputShape.validated(context: context())
  }

  /// The geometry of a `conv2d`, `conv2d_bias_activation`, `conv2d_backward_input` or
  /// `conv2d_backward_filter` record,
  /// with every operand's shape checked against it.
  public init(record: OpRecord) throws {
    let op = record.op
    let attributes = record.attributes
    let (input, filter, upstream): (TensorBuffer, TensorBuffer, TensorBuffer?)
    let out = try record.output()
    switch op {
    case .conv2d, .conv2dBiasActivation:
      (input, filter, upstream) = (try record.input(0), try record.input(1), nil)
    case .conv2dBackwardInput:
      (input, filter, upstream) = (out, try record.input(1), try record.input(0))
    case .conv2dBackwardFilter:
      (input, filter, upstream) = (try record.input(0), out, try record.input(1))
    default: throw UnsupportedOp(op)
    }
    try self.init(
      input: input.shape, filter: filter.shape, strides: attributes.ints(.strides, of: op),
      dilations: attributes.ints(.dilations, of: op), padding: attributes.ints(.padding, of: op),
      groups: attributes.int(.groups, of: op), context: "\(op)")
    for operand in [input, filter, upstream ?? out] where operand.dtype != input.dtype {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "every operand in \(input.dtype)", received: "\(operand.dtype)")
    }
    let result = upstream ?? out
    guard result.shape == outputShape else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "a convolution output of shape \(outputShape)",
        received: "\(result.shape)")
    }
  }

  /// `[N, H, W, C]`.
  public var inputShape: Shape { [batch, height, width, channels] }
  /// `[KH, KW, C/groups, O]`.
  public var filterShape: Shape { [kernelHeight, kernelWidth, channels / groups, filters] }
  /// `[N, OH, OW, O]`.
  public var outputShape: Shape { [batch, outHeight, outWidth, filters] }

  /// The record attributes that describe this geometry.
  public var attributes: OpAttributes {
    [
      .strides: .ints([strideHeight, strideWidth]),
      .dilations: .ints([dilationHeight, dilationWidth]),
      .padding: .ints([padTop, padBottom, padLeft, padRight]), .groups: .int(groups),
    ]
  }

  /// The output size along one axis, or nil when the (dilated) kernel does not fit the padded
  /// input or a size overflows.
  public static func outputSize(
    _ size: Int, kernel: Int, stride: Int, dilation: Int, padding before: Int, _ after: Int
  ) -> Int? {
    let (span, overflowSpan) = (kernel - 1).multipliedReportingOverflow(by: dilation)
    let (padded, overflowPad) = size.addingReportingOverflow(before)
    let (total, overflowTotal) = padded.addingReportingOverflow(after)
    guard !overflowSpan, !overflowPad, !overflowTotal, stride >= 1, total >= span + 1 else {
      return nil
    }
    return (total - span - 1) / stride + 1
  }

  /// Keras's and TensorFlow's `"same"` padding along one axis: the output has
  /// `ceil(size / stride)` positions and the odd cell of padding goes after.
  public static func samePadding(
    _ size: Int, kernel: Int, stride: Int, dilation: Int = 1
  ) -> (before: Int, after: Int) {
    guard size > 0, kernel > 0, stride > 0, dilation > 0 else { return (0, 0) }
    // (output - 1)·stride ≤ size - 1, so only the kernel's span can overflow; a span that does
    // asks for more padding than any input has, and the convolution's own check refuses it.
    let output = (size - 1) / stride + 1
    let (span, overflow) = (kernel - 1).multipliedReportingOverflow(by: dilation)
    let reach = (output - 1) * stride + 1
    guard !overflow, span <= Int.max - reach else { return (Int.max / 2, Int.max / 2) }
    let total = Swift.max(reach + span - size, 0)
    return (total / 2, total - total / 2)
  }
}
