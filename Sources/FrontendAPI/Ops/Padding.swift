/// How a convolution or pooling window treats the input's edges, by Keras's names.
public enum Padding: String, Sendable, Codable, CaseIterable {
  /// No padding: windows lie inside the input, so the output is smaller.
  case valid
  /// Zeros (never-chosen cells, for pooling) around the input so that the output has
  /// `ceil(size / stride)` positions; the odd cell goes after, as in TensorFlow.
  case same
  /// One-dimensional convolutions only: padding before the sequence alone, so that output `t`
  /// depends on inputs up to `t` (Keras's `Conv1D(padding="causal")`).
  case causal

  /// `(before, after)` padding along one axis.
  func amounts(_ size: Int, kernel: Int, stride: Int, dilation: Int) -> (Int, Int) {
    switch self {
    case .valid: (0, 0)
    case .same: Convolution2D.samePadding(size, kernel: kernel, stride: stride, dilation: dilation)
    case .causal:
      // A span that overflows asks for more padding than any input has, which the
      // convolution's own size check then refuses.
      (Self.span(kernel, dilation) ?? Int.max / 2, 0)
    }
  }

  /// `(kernel - 1)·dilation`, or nil when it overflows.
  private static func span(_ kernel: Int, _ dilation: Int) -> Int? {
    let (span, overflow) = Swift.max(kernel - 1, 0).multipliedReportingOverflow(by: dilation)
    return overflow ? nil : span
  }
}
