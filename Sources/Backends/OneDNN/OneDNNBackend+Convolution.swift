import BackendProtocol
import CDNNL

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
      out.storage.base.initializeMemory(
        as: UInt8.self, repeating: 0, count: out.count * out.dtype.byteSize)
      return
    }
    let chunks = Self.batchChunks(geometry)
    // Chunk 0 writes the gradient itself, the others partial gradients added to it after; a
    // bfloat16 gradient is summed in float32 and rounded once at the end.
    let inputs = x.dtype
    let total =
      inputs == .float32 ? out : try TensorBuffer.allocate(.float32, geometry.filterShape)
    let partials = (1..<chunks.count).map { _ in
      TensorBuffer(dtype: .float32, shape: geometry.filterShape)
    }
    let (inputImage, outputImage) = Self.imageSizes(geometry)
    let size = inputs.byteSize
    try runChunks(op, geometry, chunks, inputs: inputs) { index, lower, _ in
      [
        x.storage.base + size * lower * inputImage,
        upstream.storage.base + size * lower * outputImage,
        index == 0 ? total.storage.base : partials[index - 1].storage.base,
      ]
    }
    let sums = total.pointer(Float.self)
    for partial in partials {
      let values = partial.pointer(Float.self)
      for element in 0..<out.count { sums[element] += values[element] }
    }
    if inputs != .float32 { BFloat16.narrow(total, into: out) }
  }

  /// The fused forward pass, `conv2d_bias_activation`: oneDNN's convolution with the bias and
  /// the activation as post-ops, which add and apply them as each output tile is stored.
  /// oneDNN's activations part from the reference's on special values (its `relu(NaN)` is 0),
  /// so when an operand holds NaN or ±∞ the convolution runs alone and the bias and activation
  /// follow in one pass of their own (``FusedActivation/apply(toRows:count:columns:bias:)``).
  /// Sums of finite operands that overflow to NaN (∞ − ∞) are not caught: there the activation
  /// of a NaN may differ (0 where the reference keeps NaN), an accepted difference.
  func fusedConvolution(
    _ x: TensorBuffer, _ filter: TensorBuffer, bias: TensorBuffer, activation: FusedActivation,
    _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    let op = OpCode.conv2dBiasActivation
    try checkConvolution(
      op, geometry,
      [
        (x, geometry.inputShape), (filter, geometry.filterShape), (bias, [geometry.filters]),
        (out, geometry.outputShape),
      ])
    if x.count > 0, filter.count > 0,
      activation == .linear
        || !(Self.holdsNonFinite(x) || Self.holdsNonFinite(filter) || Self.holdsNonFinite(bias))
    {
      try convolve(
        op, geometry, images: x, filter: filter, bias: bias, activation: activation, out)
      return
    }
    try convolve(.conv2d, geometry, images: x, filter: filter, out)
    if out.dtype == .bfloat16 {
      return Self.applyToBFloat16(
        activation, rows: out, count: out.count / Swift.max(geometry.filters, 1),
        columns: geometry.filters, bias: bias)
    }
    activation.apply(
      toRows: out.pointer(Float.self), count: out.count / Swift.max(geometry.filters, 1),
      columns: geometry.filters, bias: bias.pointer(Float.self))
  }

  /// The forward pass or the input's gradient, one batch chunk per part: `images` are the
  /// batched operand (x, or the upstream gradient), `out` the batched result; `bias` and
  /// `activation` for `conv2d_bias_activation`, which oneDNN adds and applies as it stores.
  private func convolve(
    _ op: OpCode, _ geometry: Convolution2D, images: TensorBuffer, filter: TensorBuffer,
    bias: TensorBuffer? = nil, activation: FusedActivation = .linear, _ out: TensorBuffer
  ) throws {
    guard out.count > 0 else { return }
    let size = images.dtype.byteSize
    guard images.count > 0, filter.count > 0 else {
      // Every tap falls in the padding, or there are no channels: the sums are empty.
      out.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: out.count * size)
      return
    }
    let (inputImage, outputImage) = Self.imageSizes(geometry)
    let (source, result) =
      op == .conv2dBackwardInput ? (outputImage, inputImage) : (inputImage, outputImage)
    try runChunks(
      op, geometry, Self.batchChunks(geometry), activation: activation, inputs: images.dtype
    ) {
      index, lower, filters in
      let chunk = images.storage.base + size * lower * source
      let output = out.storage.base + size * lower * result
      let weights = filters[index]?.base ?? filter.storage.base  // nil: the plan reads it as is
      guard let bias else { return [chunk, weights, output] }
      return [chunk, weights, bias.storage.base, output]
    } filter: {
      filter.storage
    }
  }

  /// Runs `op`'s plan for each chunk of images, on the worker pool when there are threads to
  /// spare; `operands(index, lower, filters)` gives a chunk's operand pointers, `filters[index]`
  /// the filter reordered for chunk `index`'s plan where it reads another layout than the
  /// filter's own (`filter()`, the filter's storage, is asked only then).
  private func runChunks(
    _ op: OpCode, _ geometry: Convolution2D, _ chunks: [(lower: Int, upper: Int)],
    activation: FusedActivation = .linear, inputs: DType,
    operands: (Int, Int, [Storage?]) -> [UnsafeMutableRawPointer],
    filter: () -> Storage? = { nil }
  ) throws {
    // Plans are made (or found) here, on the calling thread, before the parts start, and the
    // filter reordered for them (or found reordered).
    let plans = try chunks.map { chunk in
      try convolutionPlan(
        op, ConvolutionLayout(geometry: geometry, batch: chunk.upper - chunk.lower, inputs: inputs),
        activation)
    }
    let filters = try plans.map { plan -> Storage? in
      guard let reorder = plan.filterReorder else { return nil }
      guard let storage = filter() else {
        throw PlexusError.invalidState(
          context: "\(op) on onednn", message: "a plan reads a reordered filter it was not given")
      }
      if let filterCache {
        return try filterCache.reordered(storage, by: reorder.plan, bytes: reorder.bytes, op: op)
      }
      let reordered = try Storage(byteCount: reorder.bytes)
      try reorder.plan.run([storage.base, reordered.base], op: op)
      return reordered
    }
    try runParts(chunks.count) { index in
      try plans[index].run(operands(index, chunks[index].lower, filters), op: op)
    }
  }

  /// The cached plan of `op` for one chunk: on oneDNN's Winograd kernels where the layout
  /// prefers them (``ConvolutionLayout/prefersWinograd(_:)``) and the backend uses them,
  /// else with the filter in oneDNN's preferred layout where the layout asks for it
  /// (``ConvolutionLayout/prefersBlockedFilter(_:)``), in its own where oneDNN has no kernel
  /// for the preferred one.
  private func convolutionPlan(
    _ op: OpCode, _ layout: ConvolutionLayout, _ activation: FusedActivation
  ) throws -> PrimitivePlan {
    let postOp = Self.postOp(activation)
    // 0: the filter's own layout, 1: oneDNN's preferred one, 2: Winograd.
    func make(_ kind: Int) throws -> PrimitivePlan {
      try plan(op, variant: 3 * activation.rawValue + kind, sizes: layout.key) {
        try layout.plan(op, blocked: kind > 0, winograd: kind == 2, postOp: postOp)
      }
    }
    // Remembered per op and sizes: a failed attempt (creating descriptors can take
    // milliseconds) is not repeated on every call.
    let key = [Int(op.rawValue), activation.rawValue] + layout.key  // the key holds the dtype
    let (plainOnly, noWinograd) = unavailableConvolutions.withLock {
      ($0.plainFilter.contains(key), $0.winograd.contains(key))
    }
    if usesWinograd, layout.prefersWinograd(op), !noWinograd {
      do {
        return try make(2)
      } catch is UnsupportedOp {
        unavailableConvolutions.withLock { _ = $0.winograd.insert(key) }
      }
    }
    guard layout.prefersBlockedFilter(op), !plainOnly else { return try make(0) }
    do {
      return try make(1)
    } catch is UnsupportedOp {
      unavailableConvolutions.withLock { _ = $0.plainFilter.insert(key) }
      return try make(0)
    }
  }

  /// oneDNN's post-op for a fused activation; none for `linear`.
  static func postOp(_ activation: FusedActivation) -> EltwisePostOp? {
    switch activation {
    case .linear: nil
    case .relu: EltwisePostOp(algorithm: dnnl_eltwise_relu, alpha: 0, beta: 0)
    case .sigmoid: EltwisePostOp(algorithm: dnnl_eltwise_logistic, alpha: 0, beta: 0)
    case .tanh: EltwisePostOp(algorithm: dnnl_eltwise_tanh, alpha: 0, beta: 0)
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
  func checkConvolution(
    _ op: OpCode, _ geometry: Convolution2D, _ operands: [(TensorBuffer, Shape)]
  ) throws {
    // Every operand in the first one's dtype: float32, or bfloat16 where this CPU runs it.
    let dtype: DType =
      operands.first?.0.dtype == .bfloat16 && Self.runsInBFloat16(op) ? .bfloat16 : .float32
    for (buffer, shape) in operands {
      try checkOperand(op, buffer, dtype)
      guard buffer.shape == shape else {
        throw PlexusError.shapeMismatch(
          context: "\(op) on onednn", expected: "\(shape)", received: "\(buffer.shape)")
      }
    }
  }
}
