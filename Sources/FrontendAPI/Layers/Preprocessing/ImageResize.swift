import Foundation

/// Image resizing as Keras's JAX backend does it (`jax.image.resize`, after Keras's aspect-ratio
/// crop or pad), shared by ``Resizing``, ``CenterCrop`` and ``RandomCrop``: each axis is a
/// product with a weight matrix built on the host (JAX builds the same matrices), so the resize
/// is differentiable and replays in a compiled step.
enum ImageResize {
  /// The largest weight matrix built, in entries (64 MiB of floats).
  static let maximumMatrixEntries = 1 << 24

  /// `images` (float32, `(batch, height, width, channels)`) resized to `height` × `width`.
  static func resize(
    _ images: Tensor, height: Int, width: Int, interpolation: Resizing.Interpolation,
    antialias: Bool, context: String
  ) throws -> Tensor {
    let dims = images.shape.dims
    var output = images
    if dims[1] != height {
      output = try alongAxis(output, axis: 1, to: height, interpolation, antialias, context)
    }
    if dims[2] != width {
      output = try alongAxis(output, axis: 2, to: width, interpolation, antialias, context)
    }
    return output
  }

  /// Keras's largest centred crop of `images` with the aspect ratio of `height` × `width`.
  static func cropToAspectRatio(_ images: Tensor, height: Int, width: Int) throws -> Tensor {
    let (inputHeight, inputWidth) = (images.shape[1], images.shape[2])
    let box = cropBox(inputHeight, inputWidth, height, width)
    guard box.height != inputHeight || box.width != inputWidth else { return images }
    return try Ops.slice(
      images, starts: [0, box.top, box.left, 0],
      sizes: [images.shape[0], box.height, box.width, images.shape[3]])
  }

  /// The crop of Keras's `smart_resize` and `crop_to_aspect_ratio`: its size and top-left
  /// corner, in the input's pixels.
  static func cropBox(_ inputHeight: Int, _ inputWidth: Int, _ height: Int, _ width: Int) -> (
    height: Int, width: Int, top: Int, left: Int
  ) {
    let cropHeight = max(
      min(inputHeight, Int(Double(inputWidth) * Double(height) / Double(width))), 1)
    let cropWidth = max(
      min(inputWidth, Int(Double(inputHeight) * Double(width) / Double(height))), 1)
    return (
      cropHeight, cropWidth, Int(Double(inputHeight - cropHeight) / 2),
      Int(Double(inputWidth - cropWidth) / 2)
    )
  }

  /// Keras's `pad_to_aspect_ratio`: `images` padded with `fillValue`, the same count on both
  /// sides, towards the aspect ratio of `height` × `width`.
  static func padToAspectRatio(_ images: Tensor, height: Int, width: Int, fillValue: Double)
    throws -> Tensor
  {
    let (inputHeight, inputWidth) = (images.shape[1], images.shape[2])
    let padHeight = max(inputHeight, Int(Double(inputWidth) * Double(height) / Double(width)))
    let padWidth = max(inputWidth, Int(Double(inputHeight) * Double(width) / Double(height)))
    let top = Int(Double(padHeight - inputHeight) / 2)
    let left = Int(Double(padWidth - inputWidth) / 2)
    guard top > 0 || left > 0 else { return images }
    return try Ops.pad(images, [(0, 0), (top, top), (left, left), (0, 0)], value: fillValue)
  }

  /// One axis resized: a product with the `(output, input)` weight matrix.
  private static func alongAxis(
    _ images: Tensor, axis: Int, to size: Int, _ interpolation: Resizing.Interpolation,
    _ antialias: Bool, _ context: String
  ) throws -> Tensor {
    let inputSize = images.shape[axis]
    guard inputSize > 0, size > 0 else {
      throw PlexusError.shapeMismatch(
        context: context, expected: "images of at least one pixel each way to resize",
        received: "\(images.shape)")
    }
    guard inputSize.multipliedReportingOverflow(by: size).partialValue <= maximumMatrixEntries,
      !inputSize.multipliedReportingOverflow(by: size).overflow
    else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "resizing \(inputSize) pixels to \(size) needs a weight matrix of more than "
          + "\(maximumMatrixEntries) entries")
    }
    let matrix = try Tensor(
      weights(from: inputSize, to: size, interpolation, antialias), shape: [size, inputSize])
    // Move the axis to the front, multiply, and move it back.
    var order = Array(0..<images.rank)
    order.remove(at: axis)
    order.insert(axis, at: 0)
    let moved = try Ops.transpose(images, permutation: order)
    let rest = Array(moved.shape.dims.dropFirst())
    let product = try Ops.matmul(
      matrix, Ops.reshape(moved, [inputSize, rest.reduce(1, *)]))
    let back = (0..<images.rank).map { order.firstIndex(of: $0) ?? 0 }
    return try Ops.transpose(Ops.reshape(product, Shape([size] + rest)), permutation: back)
  }

  /// The `(output, input)` weights of one axis, row-major, as JAX's `compute_weight_mat` (and
  /// `_resize_nearest` for `nearest`) computes them.
  static func weights(
    from inputSize: Int, to outputSize: Int, _ interpolation: Resizing.Interpolation,
    _ antialias: Bool
  ) -> [Float] {
    var matrix = [Float](repeating: 0, count: inputSize * outputSize)
    if interpolation == .nearest {
      for i in 0..<outputSize {
        // In float32, as JAX computes the offsets.
        let offset = (Float(i) + 0.5) * Float(inputSize) / Float(outputSize)
        let source = Swift.min(Swift.max(Int(offset.rounded(.down)), 0), inputSize - 1)
        matrix[i * inputSize + source] = 1
      }
      return matrix
    }
    let inverseScale = Double(inputSize) / Double(outputSize)
    let kernelScale = antialias ? Swift.max(inverseScale, 1) : 1
    for i in 0..<outputSize {
      let sample = (Double(i) + 0.5) * inverseScale - 0.5
      // A sample beyond the input's half-pixel border reads nothing.
      guard sample >= -0.5, sample <= Double(inputSize) - 0.5 else { continue }
      var row = [Double](repeating: 0, count: inputSize)
      for j in 0..<inputSize {
        row[j] = kernel(interpolation, abs(sample - Double(j)) / kernelScale)
      }
      let total = row.reduce(0, +)
      guard abs(total) > 1000 * Double(Float.ulpOfOne) else { continue }
      for j in 0..<inputSize { matrix[i * inputSize + j] = Float(row[j] / total) }
    }
    return matrix
  }

  /// JAX's resampling kernels at distance `x` ≥ 0.
  private static func kernel(_ interpolation: Resizing.Interpolation, _ x: Double) -> Double {
    switch interpolation {
    case .bilinear:
      return Swift.max(0, 1 - x)
    case .bicubic:
      // Keys's cubic with A = -0.5.
      if x >= 2 { return 0 }
      if x >= 1 { return ((-0.5 * x + 2.5) * x - 4) * x + 2 }
      return ((1.5 * x - 2.5) * x) * x + 1
    case .lanczos3, .lanczos5:
      let radius = interpolation == .lanczos3 ? 3.0 : 5.0
      if x > radius { return 0 }
      if x <= 1e-3 { return 1 }
      let y = radius * sin(Double.pi * x) * sin(Double.pi * x / radius)
      return y / (Double.pi * Double.pi * x * x)
    case .nearest:
      return 0
    }
  }
}

extension ImageResize {
  /// Images of rank 4, or 3 for one image.
  static func checkImages(_ shape: Shape, layer: String) throws {
    guard (3...4).contains(shape.rank) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(layer)",
        expected: "images of rank 4, (batch, height, width, channels), or 3 (one image)",
        received: "\(shape)")
    }
  }

  /// `body` on `x` as a float32 batch (one image gains a batch axis, and loses it after).
  static func batched(_ x: Tensor, layer: String, _ body: (Tensor) throws -> Tensor) throws
    -> Tensor
  {
    try checkImages(x.shape, layer: layer)
    let images = x.dtype == .float32 ? x : try Ops.cast(x, to: .float32)
    let batch = images.rank == 4 ? images : try Ops.expandDims(images, axis: 0)
    let output = try body(batch)
    return images.rank == 4 ? output : try Ops.squeeze(output, axes: [0])
  }

  /// `input` with its height and width replaced.
  static func outputShape(_ input: Shape, height: Int, width: Int) -> Shape {
    guard input.rank >= 3 else { return input }
    var dims = input.dims
    dims[dims.count - 3] = height
    dims[dims.count - 2] = width
    return Shape(dims)
  }
}
