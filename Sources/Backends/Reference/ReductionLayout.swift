import BackendProtocol

/// The shape of a reduction after merging neighbouring axes that are both reduced or both kept.
/// When the reduced axes form one run, the input is a block `[outer, reduced, inner]`.
struct ReductionLayout {
  /// Merged axis sizes, alternating between kept and reduced runs.
  private var dims: [Int] = []
  /// Whether each merged axis is reduced.
  private var isReduced: [Bool] = []

  /// True when the reduced axes are one contiguous run.
  let isBlock: Bool
  /// Elements before, within and after the reduced run (meaningful when `isBlock`).
  let outer: Int
  let reduced: Int
  let inner: Int

  init(shape: Shape, axes: [Int]) {
    for axis in 0..<shape.rank {
      let flag = axes.contains(axis)
      if let last = isReduced.last, last == flag {
        dims[dims.count - 1] *= shape[axis]
      } else {
        dims.append(shape[axis])
        isReduced.append(flag)
      }
    }
    let runs = isReduced.filter { $0 }.count
    isBlock = runs <= 1
    if let first = isReduced.firstIndex(of: true) {
      outer = dims[..<first].reduce(1, *)
      reduced = dims[first]
      inner = dims[(first + 1)...].reduce(1, *)
    } else {
      outer = dims.reduce(1, *)
      reduced = 1
      inner = 1
    }
  }

  /// Walks the input one innermost row at a time: `body(inputOffset, outputOffset, length,
  /// outputStride)`, where `outputStride` is 0 when the innermost axis is reduced.
  func forEachGeneral(_ body: (Int, Int, Int, Int) -> Void) {
    guard let length = dims.last, let lastReduced = isReduced.last else { return }
    let outer = dims.count - 1
    var outputStrides = [Int](repeating: 0, count: dims.count)
    var running = 1
    for axis in stride(from: dims.count - 1, through: 0, by: -1) where !isReduced[axis] {
      outputStrides[axis] = running
      running *= dims[axis]
    }
    let rows = dims.dropLast().reduce(1, *)
    guard rows > 0, length > 0 else { return }
    var counter = [Int](repeating: 0, count: Swift.max(outer, 1))
    var outputOffset = 0
    for row in 0..<rows {
      body(row * length, outputOffset, length, lastReduced ? 0 : 1)
      var axis = outer - 1
      while axis >= 0 {
        counter[axis] += 1
        outputOffset += outputStrides[axis]
        if counter[axis] < dims[axis] { break }
        outputOffset -= outputStrides[axis] * dims[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}
