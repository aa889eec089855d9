import BackendProtocol

/// Copies a rectangular box of elements between two row-major tensors, one contiguous run of
/// bytes at a time; the runs are as long as the box allows (trailing axes the box covers whole in
/// both tensors are merged into one run). Slice and pad are both box copies.
struct BoxCopy {
  let elementSize: Int

  /// Copies `box` from `source` (shape `sourceShape`, box at `sourceStarts`) to `destination`
  /// (shape `destinationShape`, box at `destinationStarts`).
  func copy(
    box: [Int],
    from source: UnsafeRawPointer, _ sourceShape: Shape, at sourceStarts: [Int],
    to destination: UnsafeMutableRawPointer, _ destinationShape: Shape,
    at destinationStarts: [Int]
  ) {
    let rank = box.count
    guard !box.contains(0) else { return }
    guard rank > 0 else {
      destination.copyMemory(from: source, byteCount: elementSize)
      return
    }
    let sourceStrides = sourceShape.strides
    let destinationStrides = destinationShape.strides
    // The run starts at the outermost axis below which everything is whole in both tensors.
    var runAxis = rank - 1
    while runAxis > 0 && box[runAxis] == sourceShape[runAxis]
      && box[runAxis] == destinationShape[runAxis]
    {
      runAxis -= 1
    }
    let runBytes = box[runAxis...].reduce(1, *) * elementSize
    var sourceOffset = 0
    var destinationOffset = 0
    for axis in 0...runAxis {
      sourceOffset += sourceStarts[axis] * sourceStrides[axis]
      destinationOffset += destinationStarts[axis] * destinationStrides[axis]
    }
    let runs = box[..<runAxis].reduce(1, *)
    var counter = [Int](repeating: 0, count: runAxis)
    for _ in 0..<runs {
      (destination + destinationOffset * elementSize).copyMemory(
        from: source + sourceOffset * elementSize, byteCount: runBytes)
      var axis = runAxis - 1
      while axis >= 0 {
        counter[axis] += 1
        sourceOffset += sourceStrides[axis]
        destinationOffset += destinationStrides[axis]
        if counter[axis] < box[axis] { break }
        sourceOffset -= sourceStrides[axis] * box[axis]
        destinationOffset -= destinationStrides[axis] * box[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}
