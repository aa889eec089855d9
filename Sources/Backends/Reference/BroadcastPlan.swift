import BackendProtocol

/// How up to three inputs broadcast against an output: the output's axes with size-1 axes
/// dropped and neighbouring axes merged wherever every input is contiguous (or broadcast) across
/// both, so a typical case collapses to one or two axes. Built once per call.
struct BroadcastPlan {
  /// The merged output axes (at least one).
  private(set) var dims: [Int] = []
  /// Per input, the element stride along each merged axis (0 where it is broadcast).
  private(set) var strides: [[Int]]

  /// Plans `inputs` (right-aligned, NumPy style) against `out`.
  init(out: Shape, inputs: [Shape]) {
    let rank = out.rank
    let rawStrides: [[Int]] = inputs.map { shape in
      var result = [Int](repeating: 0, count: rank)
      var running = 1
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        let inputAxis = axis - (rank - shape.rank)
        guard inputAxis >= 0 else { break }
        let size = shape[inputAxis]
        result[axis] = size == 1 ? 0 : running
        running *= size
      }
      return result
    }
    var keptStrides = [[Int]](repeating: [], count: inputs.count)
    for axis in 0..<rank where out[axis] != 1 {
      let size = out[axis]
      if let last = dims.last,
        keptStrides.indices.allSatisfy({ keptStrides[$0].last == rawStrides[$0][axis] * size })
      {
        dims[dims.count - 1] = last * size
        for input in keptStrides.indices {
          keptStrides[input][keptStrides[input].count - 1] = rawStrides[input][axis]
        }
      } else {
        dims.append(size)
        for input in keptStrides.indices { keptStrides[input].append(rawStrides[input][axis]) }
      }
    }
    if dims.isEmpty {
      dims = [1]
      keptStrides = keptStrides.map { _ in [0] }
    }
    strides = keptStrides
  }

  /// Elements per row: the size of the innermost merged axis.
  var rowLength: Int { dims[dims.count - 1] }
  /// Rows: the product of the outer merged axes.
  var rowCount: Int { dims.dropLast().reduce(1, *) }
  /// The stride of `input` along the innermost axis (0 or 1 for a contiguous input).
  func innerStride(_ input: Int) -> Int { strides[input][dims.count - 1] }

  /// Calls `body(row, offsets)` for each row in `rows`, where `offsets` are the element
  /// offsets of the row's first element in inputs 0, 1 and 2 (0 for absent inputs).
  @inline(__always)
  func forEachRow(in rows: Range<Int>, _ body: (Int, (Int, Int, Int)) -> Void) {
    let outer = dims.count - 1
    guard outer > 0 else {
      for row in rows { body(row, (0, 0, 0)) }
      return
    }
    let s0 = strides[0]
    let s1 = strides.count > 1 ? strides[1] : [Int](repeating: 0, count: dims.count)
    let s2 = strides.count > 2 ? strides[2] : [Int](repeating: 0, count: dims.count)
    var counter = [Int](repeating: 0, count: outer)
    var offsets = (0, 0, 0)
    var remainder = rows.lowerBound
    for axis in stride(from: outer - 1, through: 0, by: -1) {
      let index = remainder % dims[axis]
      remainder /= dims[axis]
      counter[axis] = index
      offsets.0 += index * s0[axis]
      offsets.1 += index * s1[axis]
      offsets.2 += index * s2[axis]
    }
    for row in rows {
      body(row, offsets)
      var axis = outer - 1
      while axis >= 0 {
        counter[axis] += 1
        offsets.0 += s0[axis]
        offsets.1 += s1[axis]
        offsets.2 += s2[axis]
        if counter[axis] < dims[axis] { break }
        offsets.0 -= s0[axis] * dims[axis]
        offsets.1 -= s1[axis] * dims[axis]
        offsets.2 -= s2[axis] * dims[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
  }
}
