import BackendProtocol

/// im2col and col2im for one channel group of a channels-last convolution: the rows of a
/// chunk of images, one row per output position, each row the window's cells in (kh, kw, c)
/// order, the order of the filter's first three axes. Cells outside the input read as zero
/// (im2col) and are dropped (col2im).
struct WindowCopy {
  let geometry: Convolution2D

  /// Channels per group: the cells copied per tap.
  var groupChannels: Int { geometry.channels / geometry.groups }
  /// Columns of a row: taps times the group's channels.
  var rowLength: Int { geometry.kernelHeight * geometry.kernelWidth * groupChannels }
  /// Rows per image.
  var rowsPerImage: Int { geometry.outHeight * geometry.outWidth }

  /// Writes the rows of `images` for channel group `group` into `rows` (`images.count ·
  /// rowsPerImage × rowLength`).
  func gather(
    _ x: UnsafePointer<Float>, images: Range<Int>, group: Int,
    into rows: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let cg = groupChannels
    var destination = rows
    for image in images {
      let base = x + image * g.height * g.width * g.channels + group * cg
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for kh in 0..<g.kernelHeight {
            let h = oh * g.strideHeight + kh * g.dilationHeight - g.padTop
            for kw in 0..<g.kernelWidth {
              let w = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft
              if h >= 0 && h < g.height && w >= 0 && w < g.width {
                let source = base + (h * g.width + w) * g.channels
                // A call to memmove per tap costs more than a few channels' copy.
                if cg < 16 {
                  for c in 0..<cg { destination[c] = source[c] }
                } else {
                  destination.update(from: source, count: cg)
                }
              } else {
                for c in 0..<cg { destination[c] = 0 }
              }
              destination += cg
            }
          }
        }
      }
    }
  }

  /// Adds the rows of `images` for channel group `group` back into `dx` at the cells they were
  /// gathered from.
  func scatter(
    _ rows: UnsafePointer<Float>, images: Range<Int>, group: Int,
    into dx: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let cg = groupChannels
    var source = rows
    for image in images {
      let base = dx + image * g.height * g.width * g.channels + group * cg
      for oh in 0..<g.outHeight {
        for ow in 0..<g.outWidth {
          for kh in 0..<g.kernelHeight {
            let h = oh * g.strideHeight + kh * g.dilationHeight - g.padTop
            for kw in 0..<g.kernelWidth {
              let w = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft
              if h >= 0 && h < g.height && w >= 0 && w < g.width {
                let target = base + (h * g.width + w) * g.channels
                for c in 0..<cg { target[c] += source[c] }
              }
              source += cg
            }
          }
        }
      }
    }
  }
}
