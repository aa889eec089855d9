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
    if try maxPool2dGradientFromWorkspace(x, upstream, geometry, out) { return }
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
    try checkPooling(op, inputs + [(out, outShape)])
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
    let chunks = Self.poolingChunks(geometry)
    let plans = try chunks.map { chunk in
      let layout = PoolingLayout(geometry: geometry, batch: chunk.1 - chunk.0)
      return try plan(op, variant: 0, sizes: layout.key) { try layout.plan(op) }
    }
    // Elements per image of each operand, in the order the plan numbers them.
    let images = (inputs.map(\.0.shape) + [outShape]).map {
      $0.elementCount / Swift.max(geometry.batch, 1)
    }
    let operands = inputs.map(\.0.storage.base) + [out.storage.base]
    try runParts(chunks.count) { index in
      let lower = chunks[index].0
      try plans[index].run(
        zip(operands, images).map { $0 + 4 * lower * $1 }, op: op)
    }
  }

  /// Checks every operand's dtype, storage and shape.
  private func checkPooling(_ op: OpCode, _ operands: [(TensorBuffer, Shape)]) throws {
    for (buffer, shape) in operands {
      try checkOperand(op, buffer)
      guard buffer.shape == shape else {
        throw PlexusError.shapeMismatch(
          context: "\(op) on onednn", expected: "\(shape)", received: "\(buffer.shape)")
      }
    }
  }

  /// The batch cut into one chunk of images per part once the pooling is large (never more
  /// chunks than images): the cut depends on the sizes and the machine only.
  static func poolingChunks(_ g: Pooling2D) -> [(Int, Int)] {
    let parts = Swift.min(Self.parts(forElements: g.inputShape.elementCount), g.batch)
    return (0..<parts).map { (g.batch * $0 / parts, g.batch * ($0 + 1) / parts) }
  }

  /// Max pooling in training (a record with the `training` attribute: its gradient will
  /// follow): the forward pass also writes the workspace of each window's maximum, which
  /// ``poolingWorkspaces`` keeps for the gradient. Inputs the plain path pools
  /// (``PlainPooling``) keep none.
  func maxPool2dKeepingWorkspace(_ x: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer)
    throws
  {
    let op = OpCode.maxPool2d
    try checkPooling(op, [(x, geometry.inputShape), (out, geometry.outputShape)])
    guard out.count > 0, x.count > 0, !PlainPooling.isDegenerate(geometry),
      !ExactnessGuard.mayDiffer(.maxPool2d, x)
    else {
      try maxPool2d(x, geometry, out)
      return
    }
    let chunks = Self.poolingChunks(geometry)
    let plans = try chunks.map { chunk in
      let layout = PoolingLayout(geometry: geometry, batch: chunk.1 - chunk.0)
      return try plan(op, variant: 1, sizes: layout.key) {
        try layout.trainingPlan()
      }
    }
    var offsets: [Int] = []
    var total = 0
    for plan in plans {
      offsets.append(total)
      total += ((plan.bytes(ofOperand: 2) ?? 0) + 63) / 64 * 64
    }
    let workspace = try Storage(byteCount: total)
    let (inputImage, outputImage) = Self.poolingImageSizes(geometry)
    try runParts(chunks.count) { index in
      let lower = chunks[index].0
      try plans[index].run(
        [
          x.storage.base + 4 * lower * inputImage, out.storage.base + 4 * lower * outputImage,
          workspace.base + offsets[index],
        ], op: op)
    }
    poolingWorkspaces.keep(
      .init(
        input: x.storage, key: PoolingLayout(geometry: geometry, batch: geometry.batch).key,
        workspace: workspace, offsets: offsets))
  }

  /// The gradient of max pooling from the workspace its forward pass in training kept for
  /// `x` (``maxPool2dKeepingWorkspace(_:_:_:)``): oneDNN's backward pass alone. False, with
  /// nothing written, when no workspace was kept.
  private func maxPool2dGradientFromWorkspace(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Pooling2D, _ out: TensorBuffer
  ) throws -> Bool {
    let op = OpCode.maxPool2dGradient
    try checkPooling(
      op,
      [(x, geometry.inputShape), (upstream, geometry.outputShape), (out, geometry.inputShape)])
    guard
      let kept = poolingWorkspaces.take(
        x.storage, key: PoolingLayout(geometry: geometry, batch: geometry.batch).key)
    else { return false }
    let chunks = Self.poolingChunks(geometry)
    let plans = try chunks.map { chunk in
      let layout = PoolingLayout(geometry: geometry, batch: chunk.1 - chunk.0)
      return try plan(op, variant: 1, sizes: layout.key) {
        try layout.gradientFromWorkspacePlan()
      }
    }
    let (inputImage, outputImage) = Self.poolingImageSizes(geometry)
    try runParts(chunks.count) { index in
      let lower = chunks[index].0
      try plans[index].run(
        [
          upstream.storage.base + 4 * lower * outputImage,
          kept.workspace.base + kept.offsets[index], out.storage.base + 4 * lower * inputImage,
        ], op: op)
    }
    return true
  }

  /// Elements per image of the input and of the pooled output.
  private static func poolingImageSizes(_ g: Pooling2D) -> (input: Int, output: Int) {
    (g.height * g.width * g.channels, g.outHeight * g.outWidth * g.channels)
  }
}
