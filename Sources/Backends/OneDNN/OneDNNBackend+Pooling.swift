import BackendProtocol

extension OneDNNBackend: PoolingKernels {
  /// Max pooling through oneDNN's pooling primitive; an input holding NaN (which oneDNN's
  /// maximum would skip) and windows larger than the input are pooled by `PlainPooling`.
  public func maxPool2d(_ x: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer) throws {
    try pool(.maxPool2d, geometry, [(x, geometry.inputShape)], out, geometry.outputShape)
  }

  /// The gradient of max pooling: oneDNN's forward pass records each window's first maximum,
  /// its backward pass adds the upstream gradient there.
  public func maxPool2dGradient(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer
  ) throws {
    try pool(
      .maxPool2dGradient, geometry,
      [(x, geometry.inputShape), (upstream, geometry.outputShape)], out, geometry.inputShape)
  }

  /// Average pooling over the cells inside the input, through oneDNN's pooling primitive.
  public func avgPool2d(_ x: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer) throws {
    try pool(.avgPool2d, geometry, [(x, geometry.inputShape)], out, geometry.outputShape)
  }

  /// The gradient of average pooling, through oneDNN's backward pooling primitive.
  public func avgPool2dGradient(
    _ upstream: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer
  ) throws {
    try pool(
      .avgPool2dGradient, geometry, [(upstream, geometry.outputShape)], out, geometry.inputShape)
  }

  /// Checks the operands against `geometry`, then runs `op`'s plan on them.
  private func pool(
    _ op: OpCode, _ geometry: Pooling2D, _ inputs: [(TensorBuffer, Shape)], _ out: TensorBuffer,
    _ outShape: Shape
  ) throws {
    for (buffer, shape) in inputs + [(out, outShape)] {
      try checkOperand(op, buffer)
      guard buffer.shape == shape else {
        throw PlexusError.shapeMismatch(
          context: "\(op) on onednn", expected: "\(shape)", received: "\(buffer.shape)")
      }
    }
    // Batch or channels of 0: both sides are empty (a window never holds only padding).
    guard out.count > 0, inputs.allSatisfy({ $0.0.count > 0 }) else { return }
    if PlainPooling.isDegenerate(geometry) {
      // The composite, the family's oracle, gathers every window's cells padding included,
      // and refuses a window it cannot hold: so does this backend, to give the same answer.
      let taps = saturatingProduct(geometry.windowHeight, geometry.windowWidth)
      let gathered = [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.channels]
        .reduce(taps, saturatingProduct)
      guard gathered <= Shape.maximumElementCount else {
        throw PlexusError.invalidArgument(
          context: "\(op) on onednn",
          message: "a \(geometry.windowHeight)×\(geometry.windowWidth) window over "
            + "\(geometry.inputShape) gathers more cells than this machine holds")
      }
    }
    if PlainPooling.isDegenerate(geometry)
      || ((op == .maxPool2d || op == .maxPool2dGradient)
        && ExactnessGuard.mayDiffer(.maxPool2d, inputs[0].0))
    {
      PlainPooling.run(op, geometry, inputs.map(\.0), out)
      return
    }
    // One chunk of images per part once the pooling is large; plans made here, before the
    // parts start.
    let parts = Swift.min(Self.parts(forElements: geometry.inputShape.elementCount), geometry.batch)
    let chunks = (0..<parts).map {
      (geometry.batch * $0 / parts, geometry.batch * ($0 + 1) / parts)
    }
    let plans = try chunks.map { chunk in
      let layout = PoolingLayout(geometry: geometry, batch: chunk.1 - chunk.0)
      return try plan(op, variant: 0, sizes: layout.key, threads: 1) { try layout.plan(op) }
    }
    // Elements per image of each operand, in the order the plan numbers them.
    let images = (inputs.map(\.0.shape) + [outShape]).map {
      $0.elementCount / Swift.max(geometry.batch, 1)
    }
    let operands = inputs.map(\.0.storage.base) + [out.storage.base]
    try runParts(chunks.count) { index in
      let lower = chunks[index].0
      try plans[index].run(
        zip(operands, images).map { $0 + 4 * lower * $1 }, op: op, threads: 1)
    }
  }
}
