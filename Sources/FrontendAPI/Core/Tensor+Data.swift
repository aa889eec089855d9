extension Tensor {
  /// The elements, row-major, as Swift values; `T` must match ``dtype``.
  public func scalars<T: TensorScalar>(_ type: T.Type = T.self) throws -> [T] {
    guard T.dtype == dtype else {
      throw PlexusError.dtypeMismatch(
        context: "Tensor.scalars", expected: "\(dtype) (the tensor's dtype)",
        received: "\(T.dtype)")
    }
    try Dispatcher.scope.recorder?.checkHostRead(of: buffer, by: "Tensor.scalars")
    return Array(UnsafeBufferPointer(start: buffer.pointer(T.self), count: count))
  }

  /// The elements converted to `Float`, whatever the dtype.
  public func floats() throws -> [Float] {
    try (dtype == .float32 ? self : Ops.cast(self, to: .float32)).scalars(Float.self)
  }

  /// The one element of a tensor with a single element, as a `Double`.
  public func item() throws -> Double {
    guard count == 1 else {
      throw PlexusError.shapeMismatch(
        context: "Tensor.item", expected: "one element", received: "shape \(shape)")
    }
    try Dispatcher.scope.recorder?.checkHostRead(of: buffer, by: "Tensor.item")
    switch dtype {
    // Read host memory directly: a loss or metric reads one of these every step.
    case .float32: return Double(buffer.pointer(Float.self).pointee)
    case .float64: return buffer.pointer(Double.self).pointee
    case .int32: return Double(buffer.pointer(Int32.self).pointee)
    case .int64: return Double(buffer.pointer(Int64.self).pointee)
    default: return try Double(Ops.cast(self, to: .float64).scalars(Double.self)[0])
    }
  }
}
