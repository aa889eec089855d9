/// Where the windows of a convolution or a pooling lie in a padded channels-last input: what
/// the composites need to gather windows into rows and scatter rows back.
struct WindowGeometry {
  let batch: Int
  let height: Int
  let width: Int
  let channels: Int
  let windowHeight: Int
  let windowWidth: Int
  let strideHeight: Int
  let strideWidth: Int
  let dilationHeight: Int
  let dilationWidth: Int
  let padTop: Int
  let padBottom: Int
  let padLeft: Int
  let padRight: Int
  let outHeight: Int
  let outWidth: Int

  var paddedHeight: Int { height + padTop + padBottom }
  var paddedWidth: Int { width + padLeft + padRight }
  /// Cells per window.
  var taps: Int { windowHeight * windowWidth }
  /// Windows per image.
  var perImage: Int { outHeight * outWidth }
  /// Windows in the batch: the rows of the gathered matrix.
  var positions: Int { batch * perImage }

  /// For every window (row-major over the output) and every cell of it (row-major over the
  /// window), the cell's position in the padded input's flattened plane: `[OH·OW·KH·KW]`.
  func indices() throws -> Tensor {
    var flat: [Int64] = []
    flat.reserveCapacity(perImage * taps)
    for oh in 0..<outHeight {
      for ow in 0..<outWidth {
        for kh in 0..<windowHeight {
          let row = oh * strideHeight + kh * dilationHeight
          for kw in 0..<windowWidth {
            flat.append(Int64(row * paddedWidth + ow * strideWidth + kw * dilationWidth))
          }
        }
      }
    }
    guard paddedHeight * paddedWidth <= Int(Int32.max) else { return try Tensor(flat) }
    return try Tensor(flat.map { Int32(truncatingIfNeeded: $0) })
  }
}

extension Convolution2D {
  /// The windows of this convolution.
  var window: WindowGeometry {
    WindowGeometry(
      batch: batch, height: height, width: width, channels: channels,
      windowHeight: kernelHeight, windowWidth: kernelWidth, strideHeight: strideHeight,
      strideWidth: strideWidth, dilationHeight: dilationHeight, dilationWidth: dilationWidth,
      padTop: padTop, padBottom: padBottom, padLeft: padLeft, padRight: padRight,
      outHeight: outHeight, outWidth: outWidth)
  }
}

extension Pooling2D {
  /// The windows of this pooling.
  var window: WindowGeometry {
    WindowGeometry(
      batch: batch, height: height, width: width, channels: channels,
      windowHeight: windowHeight, windowWidth: windowWidth, strideHeight: strideHeight,
      strideWidth: strideWidth, dilationHeight: 1, dilationWidth: 1, padTop: padTop,
      padBottom: padBottom, padLeft: padLeft, padRight: padRight, outHeight: outHeight,
      outWidth: outWidth)
  }
}
