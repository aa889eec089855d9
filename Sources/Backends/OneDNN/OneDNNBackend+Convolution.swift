import BackendProtocol

extension OneDNNBackend: ConvolutionKernels {
  /// 2-D convolution through oneDNN's convolution primitive (``ConvolutionLayout``).
  public func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    try checkConvolution(
      .conv2d, geometry,
      [(x, geometry.inputShape), (filter, geometry.filterShape), (out, geometry.outputShape)])
    try convolve(.conv2d, geometry, images: x, filter: filter, out)
  }

  /// The input's gradient through oneDNN's backward-data convolution.
  public func conv2dBackwardInput(
    _ upstream: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D,
    _ out: TensorBuffer
  ) throws {
    try checkConvolution(
      .conv2dBackwardInput, geometry,
      [
        (upstream, geometry.outputShape), (filter, geometry.filterShape),
        (out, geometry.inputShape),
      ]
    )
    try convolve(.conv2dBackwardInput, geometry, images: upstream, filter: filter, out)
  }

  /// The filter's gradient through oneDNN's backward-weights convolution: one partial
  /// gradient per batch chunk, added in chunk order.
  public func conv2dBackwardFilter(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    let op = OpCode.conv2dBackwardFilter
    try checkConvolution(
      op, geometry,
      [(x, geometry.inputShape), (upstream, geometry.outputShape), (out, geometry.filterShape)])
    guard out.count > 0 else { return }
    guard x.count > 0, upstream.count > 0 else {
      out.storage.base.initializeMemory(as: Float.self, repeating: 0, count: out.count)
      return
    }
    let chunks = Self.batchChunks(geometry)
    // Chunk 0 writes the gradient itself, the others partial gradients added to it after.
    let partials = (1..<chunks.count).map { _ in
      TensorBuffer(dtype: .float32, shape: geometry.filterShape)
    }
    let (inputImage, outputImage) = Self.imageSizes(geometry)
    try runChunks(op, geometry, chunks) { index, lower in
      [
        x.storage.base + 4 * lower * inputImage, upstream.storage.base + 4 * lower * outputImage,
        index == 0 ? out.storage.base : partials[index - 1].storage.base,
      ]
    }
    let total = out.pointer(Float.self)
    for partial in partials {
      let values = partial.pointer(Float.self)
      for element in 0..<out.count { total[element] += values[element] }
    }
  }

  /// The forward pass or the input's gradient, one batch chunk per part: `images` are the
  /// batched operand (x, or the upstream gradient), `out` the batched result.
  private func convolve(
    _ op: OpCode, _ geometry: Convolution2D, images: TensorBuffer, filter: TensorBuffer,
    _ out: TensorBuffer
  ) throws {
    guard out.count > 0 else { return }
    guard images.count > 0, filter.count > 0 else {
      // Every tap falls in the padding, or there are no channels: the sums are empty.
      out.storage.base.initializeMemory(as: Float.self, repeating: 0, count: out.count)
      return
    }
    let (inputImage, outputImage) = Self.imageSizes(geometry)
    let (source, result) = op == .conv2d ? (inputImage, outputImage) : (outputImage, inputImage)
    try runChunks(op, geometry, Self.batchChunks(geometry)) { _, lower in
      [
        images.storage.base + 4 * lower * source, filter.storage.base,
        out.storage.base + 4 * lower * result,
      ]
    }
  }

  /// Runs `op`'s plan for each chunk of images, on the worker pool when there are threads to
  /// spare; `operands(index, lower)` gives a chunk's operand pointers.
  private func runChunks(
    _ op: OpCode, _ geometry: Convolution2D, _ chunks: [(lower: Int, upper: Int)],
    operands: (Int, Int) -> [UnsafeMutableRawPointer]
  ) throws {
    // Plans are made (or found) here, on the calling thread, before the parts start.
    let plans = try chunks.map { chunk in
      let layout = ConvolutionLayout(geometry: geometry, batch: chunk.upper - chunk.lower)
      return try plan(op, variant: 0, sizes: layout.key, threads: 1) { try layout.plan(op) }
    }
    try runParts(chunks.count) { index in
      try plans[index].run(operands(index, chunks[index].lower), op: op, threads: 1)
    }
  }

  /// Elements per image of the input and of the output.
  private static func imageSizes(_ g: Convolution2D) -> (input: Int, output: Int) {
    (g.height * g.width * g.channels, g.outHeight * g.outWidth * g.filters)
  }

  /// The batch cut into one chunk per core once the convolution is worth cutting (at least
  /// ``splitMultiplyAddsFrom`` multiply-adds). The cut depends on the sizes and the machine,
  /// never on the thread setting, so results do not either: oneDNN itself, on an OpenMP team,
  /// sums a filter's gradient in an order that depends on the team's size.
  static func batchChunks(_ g: Convolution2D) -> [(lower: Int, upper: Int)] {
    let perImage = [g.outHeight, g.outWidth, g.filters, g.kernelHeight, g.kernelWidth]
      .reduce(g.channels / Swift.max(g.groups, 1), saturatingProduct)
    let work = saturatingProduct(perImage, g.batch)
    let parts =
      work >= splitMultiplyAddsFrom ? Swift.min(g.batch, WorkerPool.shared.workerCount + 1) : 1
    guard parts > 1 else { return [(0, g.batch)] }
    return (0..<parts).map { (g.batch * $0 / parts, g.batch * ($0 + 1) / parts) }
  }

  /// Checks every operand's dtype, storage and shape against `geometry`.
  private func checkConvolution(
    _ op: OpCode, _ geometry: Convolution2D, _ operands: [(TensorBuffer, Shape)]
  ) throws {
    for (buffer, shape) in operands {
      try checkOperand(op, buffer)
      guard buffer.shape == shape else {
        throw PlexusError.shapeMismatch(
          context: "\(op) on onednn", expected: "\(shape)", received: "\(buffer.shape)")
      }
    }
  }
}
