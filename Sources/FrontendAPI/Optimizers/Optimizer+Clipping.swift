extension Optimizer {
  /// Applies whichever of `clipnorm`, `globalClipnorm` and `clipvalue` is set (Keras allows one).
  ///
  /// Norms are read to the host (one small read per gradient) so that a gradient already within
  /// bounds costs no further op.
  func clip(_ gradients: [Tensor]) throws -> [Tensor] {
    let options = [clipnorm, globalClipnorm, clipvalue].compactMap { $0 }
    guard !options.isEmpty else { return gradients }
    guard options.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "\(type(of: self))",
        message: "only one of clipnorm, clipvalue and globalClipnorm can be set; received "
          + "clipnorm \(describe(clipnorm)), clipvalue \(describe(clipvalue)), "
          + "globalClipnorm \(describe(globalClipnorm))")
    }
    if let limit = clipnorm, limit > 0 {
      return try gradients.map { gradient in
        try rescale(gradient, norm: squaredNorm(gradient).squareRoot(), limit: limit)
      }
    }
    if let limit = globalClipnorm, limit > 0 {
      let norm = try gradients.reduce(0) { $0 + (try squaredNorm($1)) }.squareRoot()
      return try gradients.map { try rescale($0, norm: norm, limit: limit) }
    }
    if let limit = clipvalue, limit > 0 {
      return try gradients.map { try Ops.clip($0, min: -limit, max: limit) }
    }
    return gradients
  }

  /// Decoupled weight decay, before the update: `w -= w * weightDecay * learningRate`.
  func applyWeightDecay(to variables: [Variable], learningRate: Double) throws {
    guard let decay = weightDecay, decay != 0 else { return }
    for variable in variables {
      let value = current(variable)
      let decrement = try Ops.multiply(
        value, Tensor.scalar(decay * learningRate, dtype: variable.dtype))
      try variable.assign(Ops.subtract(value, decrement))
    }
  }

  /// `g * limit / max(norm, limit)`, skipped when the norm is within the limit.
  private func rescale(_ gradient: Tensor, norm: Double, limit: Double) throws -> Tensor {
    guard norm > limit, norm.isFinite else { return gradient }
    return try Ops.multiply(gradient, Tensor.scalar(limit / norm, dtype: gradient.dtype))
  }

  private func squaredNorm(_ gradient: Tensor) throws -> Double {
    try Ops.sum(Ops.square(gradient)).item()
  }

  private func describe(_ value: Double?) -> String { value.map { "\($0)" } ?? "nil" }
}
