import BackendProtocol

/// Pooling in plain Swift, for the inputs oneDNN's kernels would get wrong or take forever
/// over, where the reference backend has no pooling kernel to fall back to (its pooling is the
/// frontend's composite):
/// - max pooling of an input holding NaN (oneDNN's maximum skips NaN, the framework's keeps
///   it, and the gradient goes to the window's first NaN, as the composite's `argmax` chooses);
/// - windows larger than the input (Keras's `"same"` padding of a pool size past the input),
///   whose padding oneDNN's kernels walk cell by cell: a 2⁶²-cell window never finished.
///
/// Each window's cells inside the input are found by arithmetic, never by walking the padding.
enum PlainPooling {
  /// Whether `geometry` is one oneDNN should not be given: a window larger than the input.
  static func isDegenerate(_ g: Pooling2D) -> Bool {
    g.windowHeight > g.height || g.windowWidth > g.width
  }

  /// Calls `body(outputOffset, cells)` for every output position, `cells` the element offsets
  /// (of channel 0) of its window's cells inside the input, in row-major order.
  private static func forEachWindow(_ g: Pooling2D, _ body: (Int, [Int]) -> Void) {
    var cells: [Int] = []
    for n in 0..<g.batch {
      for oh in 0..<g.outHeight {
        // No overflow: the geometry checked that the padded input's size is an Int, and a
        // window starts inside it.
        let top = oh * g.strideHeight - g.padTop
        let rows = Swift.max(0, top)..<Swift.min(g.height, top + g.windowHeight)
        for ow in 0..<g.outWidth {
          let left = ow * g.strideWidth - g.padLeft
          let columns = Swift.max(0, left)..<Swift.min(g.width, left + g.windowWidth)
          cells.removeAll(keepingCapacity: true)
          for h in rows {
            for w in columns { cells.append(((n * g.height + h) * g.width + w) * g.channels) }
          }
          body(((n * g.outHeight + oh) * g.outWidth + ow) * g.channels, cells)
        }
      }
    }
  }

  /// The offset of the window's first NaN, else of its first maximum.
  private static func choice(_ x: UnsafePointer<Float>, _ cells: [Int], _ channel: Int) -> Int {
    var best = cells[0] + channel
    for cell in cells.dropFirst() {
      let candidate = x[cell + channel]
      if candidate > x[best] || (candidate.isNaN && !x[best].isNaN) { best = cell + channel }
    }
    return best
  }

  /// Runs `op` (`max_pool2d`, `max_pool2d_gradient`, `avg_pool2d`, `avg_pool2d_gradient`):
  /// `inputs` as the op takes them, `out` written whole.
  static func run(
    _ op: OpCode, _ g: Pooling2D, _ inputs: [TensorBuffer], _ out: TensorBuffer
  ) {
    let result = out.pointer(Float.self)
    if op == .maxPool2dGradient || op == .avgPool2dGradient {
      result.update(repeating: 0, count: out.count)
    }
    let first = UnsafePointer(inputs[0].pointer(Float.self))
    forEachWindow(g) { offset, cells in
      let count = Float(cells.count)
      for channel in 0..<g.channels {
        switch op {
        case .maxPool2d:
          result[offset + channel] = first[choice(first, cells, channel)]
        case .maxPool2dGradient:
          result[choice(first, cells, channel)] += inputs[1].pointer(Float.self)[offset + channel]
        case .avgPool2d:
          var sum: Float = 0
          for cell in cells { sum += first[cell + channel] }
          result[offset + channel] = sum / count
        default:
          let share = first[offset + channel] / count
          for cell in cells { result[cell + channel] += share }
        }
      }
    }
  }
}
