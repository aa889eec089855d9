extension Optimizer {
  /// Applies whichever of `clipnorm`, `globalClipnorm` and `clipvalue` is set (Keras allows one).
  ///
  /// Norms stay tensors, as in Keras's `clip_by_norm` and `clip_by_global_norm`: a step reads
  /// nothing back to the host, so it can be recorded and replayed.
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
        // g · limit / max(‖g‖, limit)
        let norm = try Ops.sqrt(squaredNorm(gradient))
        let bound = try Tensor.scalar(limit, dtype: gradient.dtype)
        return try Ops.divide(Ops.multiply(gradient, bound), Ops.maximum(norm, bound))
      }
    }
    if let limit = globalClipnorm, limit > 0, let first = gradients.first {
      // g · limit · min(1 / ‖all‖, 1 / limit)
      var total = try squaredNorm(first)
      for gradient in gradients.dropFirst() {
        total = try Ops.add(total, Ops.cast(squaredNorm(gradient), to: total.dtype))
      }
      let inverse = try Ops.minimum(
        Ops.reciprocal(Ops.sqrt(total)), Tensor.scalar(1 / limit, dtype: total.dtype))
      let scale = try Ops.multiply(inverse, Tensor.scalar(limit, dtype: total.dtype))
      return try gradients.map { try Ops.multiply($0, Ops.cast(scale, to: $0.dtype)) }
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

  private func squaredNorm(_ gradient: Tensor) throws -> Tensor {
    try Ops.sum(Ops.square(gradient))
  }

  private func describe(_ value: Double?) -> String { value.map { "\($0)" } ?? "nil" }
}
