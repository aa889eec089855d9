import BackendProtocol
import CBLAS

/// Convolution as im2col + `sgemm`, forward (with a fused bias and activation when asked) and
/// both backward passes, for `float32`.
///
/// The batch is cut into chunks of whole images, a fixed number per chunk that depends only on
/// the geometry; chunks run on ``WorkerPool/shared``, each gathering its windows into its own
/// scratch rows and calling a single-threaded `sgemm` per channel group. The filter's gradient
/// sums one partial product per chunk in chunk order, so no result depends on the thread count.
extension OpenBLASBackend: FusedConvolutionKernels {
  /// Rows a chunk aims at: enough for `sgemm` to run at speed, few enough to stay in cache.
  static let rowsPerChunk = 512

  public func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    try forward(x, filter, bias: nil, activation: .linear, geometry, out)
  }

  public func conv2d(
    _ x: TensorBuffer, _ filter: TensorBuffer, bias: TensorBuffer, activation: FusedActivation,
    _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    try forward(x, filter, bias: bias, activation: activation, geometry, out)
  }

  /// The forward pass: per chunk of images, im2col and one `sgemm` per group, then the bias and
  /// the activation over the chunk's rows while they are still in cache.
  private func forward(
    _ x: TensorBuffer, _ filter: TensorBuffer, bias: TensorBuffer?, activation: FusedActivation,
    _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    guard out.count > 0 else { return }
    let plan = try ConvolutionChunks(geometry, dtype: x.dtype, threads: convolutionThreads)
    let (source, kernel, result) = (
      x.pointer(Float.self), filter.pointer(Float.self), out.pointer(Float.self)
    )
    let shift = bias?.pointer(Float.self)
    let copy = plan.copy
    let (o, og) = (Int32(geometry.filters), Int32(geometry.filters / geometry.groups))
    plan.run(on: self) { chunk, scratch in
      let images = plan.images(chunk)
      let rows = images.count * copy.rowsPerImage
      let first = result + images.lowerBound * copy.rowsPerImage * Int(o)
      for group in 0..<geometry.groups {
        copy.gather(source, images: images, group: group, into: scratch)
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), og, Int32(copy.rowLength), 1,
          scratch, Int32(copy.rowLength), kernel + group * Int(og), o, 0,
          first + group * Int(og), o)
      }
      activation.apply(toRows: first, count: rows, columns: Int(o), bias: shift)
    }
  }

  public func conv2dBackwardInput(
    _ upstream: TensorBuffer, _ filter: TensorBuffer, _ geometry: Convolution2D,
    _ out: TensorBuffer
  ) throws {
    guard geometry.filters > 0 else {
      out.pointer(Float.self).update(repeating: 0, count: out.count)
      return
    }
    let plan = try ConvolutionChunks(geometry, dtype: upstream.dtype, threads: convolutionThreads)
    let (gradient, kernel, result) = (
      upstream.pointer(Float.self), filter.pointer(Float.self), out.pointer(Float.self)
    )
    let copy = plan.copy
    let (o, og) = (Int32(geometry.filters), Int32(geometry.filters / geometry.groups))
    let imageSize = geometry.height * geometry.width * geometry.channels
    plan.run(on: self) { chunk, scratch in
      let images = plan.images(chunk)
      (result + images.lowerBound * imageSize).update(repeating: 0, count: images.count * imageSize)
      let rows = Int32(images.count * copy.rowsPerImage)
      for group in 0..<geometry.groups {
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, rows, Int32(copy.rowLength), og, 1,
          gradient + images.lowerBound * copy.rowsPerImage * Int(o) + group * Int(og), o,
          kernel + group * Int(og), o, 0, scratch, Int32(copy.rowLength))
        copy.scatter(scratch, images: images, group: group, into: result)
      }
    }
  }

  public func conv2dBackwardFilter(
    _ x: TensorBuffer, _ upstream: TensorBuffer, _ geometry: Convolution2D, _ out: TensorBuffer
  ) throws {
    guard out.count > 0 else { return }
    let plan = try ConvolutionChunks(geometry, dtype: x.dtype, threads: convolutionThreads)
    let copy = plan.copy
    let filterSize = geometry.filterShape.elementCount
    // One partial gradient per chunk, summed in chunk order below.
    let partials = try TensorBuffer.allocate(.float32, [plan.chunks, filterSize])
    let (source, gradient, partial) = (
      x.pointer(Float.self), upstream.pointer(Float.self), partials.pointer(Float.self)
    )
    let (o, og) = (Int32(geometry.filters), Int32(geometry.filters / geometry.groups))
    plan.run(on: self) { chunk, scratch in
      let images = plan.images(chunk)
      let rows = Int32(images.count * copy.rowsPerImage)
      for group in 0..<geometry.groups {
        copy.gather(source, images: images, group: group, into: scratch)
        cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, Int32(copy.rowLength), og, rows, 1,
          scratch, Int32(copy.rowLength),
          gradient + images.lowerBound * copy.rowsPerImage * Int(o) + group * Int(og), o, 0,
          partial + chunk * filterSize + group * Int(og), o)
      }
    }
    let result = out.pointer(Float.self)
    result.update(repeating: 0, count: filterSize)
    for chunk in 0..<plan.chunks {
      let source = partial + chunk * filterSize
      for index in 0..<filterSize { result[index] += source[index] }
    }
  }

  /// The parts a convolution is split into: the thread setting, capped at the pool's threads.
  private var convolutionThreads: Int {
    Swift.min(threadCount, WorkerPool.shared.workerCount + 1)
  }

  /// Runs `body` with OpenBLAS on one thread, holding the lock that guards its thread count.
  func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
    try Self.lock.withLock { _ in
      apply(threads: 1)
      return try body()
    }
  }
}

/// How one convolution is cut into chunks of images, with a scratch buffer per part.
private struct ConvolutionChunks {
  let copy: WindowCopy
  let imagesPerChunk: Int
  let chunks: Int
  let parts: Int
  let scratch: TensorBuffer
  let scratchSize: Int

  init(_ geometry: Convolution2D, dtype: DType, threads: Int) throws {
    guard dtype == .float32 else {
      throw PlexusError.unsupported(op: "conv2d", dtype: dtype, backend: "openblas")
    }
    copy = WindowCopy(geometry: geometry)
    let perImage = Swift.max(copy.rowsPerImage, 1)
    imagesPerChunk = Swift.max(1, OpenBLASBackend.rowsPerChunk / perImage)
    chunks = (geometry.batch + imagesPerChunk - 1) / imagesPerChunk
    parts = Swift.max(1, Swift.min(threads, chunks))
    // sgemm takes 32-bit sizes: every dimension it sees must fit.
    let (rows, overflow) = (imagesPerChunk * perImage).multipliedReportingOverflow(
      by: Swift.max(copy.rowLength, 1))
    guard !overflow, imagesPerChunk * perImage <= Int(Int32.max),
      copy.rowLength <= Int(Int32.max), geometry.filters <= Int(Int32.max)
    else {
      throw PlexusError.invalidArgument(
        context: "conv2d",
        message: "a convolution of \(geometry.inputShape) with \(geometry.filterShape) is too "
          + "large for OpenBLAS's 32-bit sizes")
    }
    scratchSize = rows
    scratch = try TensorBuffer.allocate(.float32, [parts, scratchSize])
  }

  /// The images of chunk `chunk`.
  func images(_ chunk: Int) -> Range<Int> {
    let lower = chunk * imagesPerChunk
    return lower..<Swift.min(lower + imagesPerChunk, copy.geometry.batch)
  }

  /// Runs `body(chunk, scratch)` for every chunk, the chunks dealt to the parts in turn.
  func run(on backend: OpenBLASBackend, _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
    guard chunks > 0 else { return }
    let base = scratch.pointer(Float.self)
    backend.withSingleThreadedBLAS {
      WorkerPool.shared.run(parts) { part in
        for chunk in stride(from: part, to: chunks, by: parts) {
          body(chunk, base + part * scratchSize)
        }
      }
    }
  }
}
