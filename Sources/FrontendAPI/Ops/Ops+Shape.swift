extension Ops {
  /// The same elements under `shape`; one axis may be -1 and is inferred.
  public static func reshape(_ x: Tensor, _ shape: Shape) throws -> Tensor {
    var dims = shape.dims
    let inferred = dims.indices.filter { dims[$0] == -1 }
    let known = Shape(dims.filter { $0 != -1 }).elementCount
    guard inferred.count <= 1, dims.allSatisfy({ $0 >= -1 }) else {
      throw PlexusError.invalidArgument(
        context: "reshape", message: "at most one axis may be -1 and none below it in \(shape)")
    }
    if let axis = inferred.first {
      guard known > 0, x.count % known == 0 else {
        throw PlexusError.shapeMismatch(
          context: "reshape", expected: "a shape that \(x.count) elements fill",
          received: "\(shape) for input \(x.shape)")
      }
      dims[axis] = x.count / known
    }
    let target = try Shape(dims).validated(context: "reshape")
    guard target.elementCount == x.count else {
      throw PlexusError.shapeMismatch(
        context: "reshape", expected: "\(x.count) elements (input \(x.shape))",
        received: "\(target) with \(target.elementCount) elements")
    }
    if target == x.shape { return x }
    return finish(.reshape, x.buffer.reshaped(target), x)
  }

  /// Inserts an axis of size 1 at `axis`.
  public static func expandDims(_ x: Tensor, axis: Int) throws -> Tensor {
    let position = try normalizedAxis(axis, rank: x.rank + 1, op: "expand_dims")
    var dims = x.shape.dims
    dims.insert(1, at: position)
    return try reshape(x, Shape(dims))
  }

  /// Removes axes of size 1 (`axes` nil: every such axis).
  public static func squeeze(_ x: Tensor, axes: [Int]? = nil) throws -> Tensor {
    let resolved = try axes.map { try normalizedAxes($0, rank: x.rank, op: "squeeze") }
    if let resolved, let bad = resolved.first(where: { x.shape[$0] != 1 }) {
      throw PlexusError.invalidArgument(
        context: "squeeze", message: "axis \(bad) has size \(x.shape[bad]), not 1, in \(x.shape)")
    }
    let dims = x.shape.dims.enumerated().filter { entry in
      resolved.map { !$0.contains(entry.offset) } ?? (entry.element != 1)
    }.map(\.element)
    return try reshape(x, Shape(dims))
  }

  /// Permutes the axes (reverses them when `permutation` is nil).
  public static func transpose(_ x: Tensor, permutation: [Int]? = nil) throws -> Tensor {
    let perm =
      try permutation.map { try $0.map { try normalizedAxis($0, rank: x.rank, op: "transpose") } }
      ?? Array((0..<x.rank).reversed())
    guard perm.count == x.rank, Set(perm).count == x.rank else {
      throw PlexusError.invalidArgument(
        context: "transpose",
        message: "permutation \(permutation ?? []) is not a permutation of \(x.rank) axes")
    }
    if perm == Array(0..<x.rank) { return x }
    let shape = Shape(perm.map { x.shape[$0] })
    return try Dispatcher.execute(
      .transpose, x, [.permutation: .ints(perm)], output: x.dtype, shape)
  }

  /// Joins tensors along `axis`; every other axis must match.
  public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else {
      throw PlexusError.invalidArgument(context: "concatenate", message: "no tensors to join")
    }
    let resolved = try normalizedAxis(axis, rank: first.rank, op: "concatenate")
    let dtype = tensors.dropFirst().reduce(first.dtype) { promotedType($0, $1.dtype) }
    let inputs = try tensors.map { try cast($0, to: dtype) }
    var dims = first.shape.dims
    dims[resolved] = 0
    for tensor in inputs {
      var expected = first.shape.dims
      var actual = tensor.shape.dims
      guard tensor.rank == first.rank else {
        throw PlexusError.shapeMismatch(
          context: "concatenate", expected: "rank \(first.rank)", received: "\(tensor.shape)")
      }
      expected[resolved] = 0
      actual[resolved] = 0
      guard expected == actual else {
        throw PlexusError.shapeMismatch(
          context: "concatenate", expected: "\(first.shape) except on axis \(resolved)",
          received: "\(tensor.shape)")
      }
      let (joined, overflow) = dims[resolved].addingReportingOverflow(tensor.shape[resolved])
      dims[resolved] = overflow ? Int.max : joined
    }
    if inputs.count == 1 { return inputs[0] }
    let shape = try Shape(dims).validated(context: "concatenate")
    return try Dispatcher.execute(.concat, inputs, [.axis: .int(resolved)], output: dtype, shape)
  }

  /// Stacks equally shaped tensors along a new axis.
  public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    try concatenate(tensors.map { try expandDims($0, axis: axis) }, axis: axis)
  }

  /// The box of `sizes` starting at `starts` (a size of -1 runs to the end of the axis).
  public static func slice(_ x: Tensor, starts: [Int], sizes: [Int]) throws -> Tensor {
    guard starts.count == x.rank, sizes.count == x.rank else {
      throw PlexusError.invalidArgument(
        context: "slice",
        message: "starts and sizes need \(x.rank) entries for shape \(x.shape), received "
          + "\(starts.count) and \(sizes.count)")
    }
    var dims = [Int]()
    for axis in 0..<x.rank {
      // Compared without adding, so that starts and sizes near Int.min or Int.max cannot
      // overflow: the start is checked against the axis first, the size against what is left.
      let start = starts[axis]
      let room = (0...x.shape[axis]).contains(start) ? x.shape[axis] - start : -1
      let size = sizes[axis] == -1 ? room : sizes[axis]
      guard room >= 0, size >= 0, size <= room else {
        throw PlexusError.invalidArgument(
          context: "slice",
          message:
            "start \(starts[axis]) size \(sizes[axis]) does not fit axis \(axis) of \(x.shape)")
      }
      dims.append(size)
    }
    if Shape(dims) == x.shape { return x }
    return try Dispatcher.execute(
      .slice, x, [.starts: .ints(starts)], output: x.dtype, Shape(dims))
  }

  /// Takes the slices of `x` at `indices` (int32 or int64) along `axis`.
  /// Equivalent to `keras.ops.take`.
  public static func take(_ x: Tensor, _ indices: Tensor, axis: Int = 0) throws -> Tensor {
    let resolved = try normalizedAxis(axis, rank: x.rank, op: "take")
    let indices = try integerIndices(indices, op: "take")
    let shape = try Shape(
      Array(x.shape.dims[..<resolved]) + indices.shape.dims
        + Array(x.shape.dims[(resolved + 1)...])
    ).validated(context: "take")
    return try Dispatcher.execute(
      .gather, x, indices, [.axis: .int(resolved)], output: x.dtype, shape)
  }

  /// `base` with `updates` added at `indices` along `axis` (duplicates sum).
  public static func scatterAdd(_ base: Tensor, indices: Tensor, updates: Tensor, axis: Int = 0)
    throws -> Tensor
  {
    let resolved = try normalizedAxis(axis, rank: base.rank, op: "scatter_add")
    let indices = try integerIndices(indices, op: "scatter_add")
    let expected =
      Array(base.shape.dims[..<resolved]) + indices.shape.dims
      + Array(base.shape.dims[(resolved + 1)...])
    guard updates.shape.dims == expected else {
      throw PlexusError.shapeMismatch(
        context: "scatter_add", expected: "updates of \(Shape(expected))",
        received: "\(updates.shape)")
    }
    let updates = try cast(updates, to: base.dtype)
    return try Dispatcher.execute(
      .scatterAdd, [base, indices, updates], [.axis: .int(resolved)], output: base.dtype,
      base.shape)
  }

  /// Pads each axis with `value`: `padding[i] = (before, after)`.
  public static func pad(_ x: Tensor, _ padding: [(Int, Int)], value: Double = 0) throws -> Tensor {
    let limit = Shape.maximumElementCount
    guard padding.count == x.rank,
      padding.allSatisfy({ (0...limit).contains($0.0) && (0...limit).contains($0.1) })
    else {
      throw PlexusError.invalidArgument(
        context: "pad", message: "need \(x.rank) non-negative (before, after) pairs for \(x.shape)")
    }
    let before = padding.map(\.0)
    let dims = try Shape(zip(x.shape.dims, padding).map { $0 + $1.0 + $1.1 })
      .validated(context: "pad").dims
    return try Dispatcher.execute(
      .pad, x, [.paddingBefore: .ints(before), .padValue: .double(value)], output: x.dtype,
      Shape(dims))
  }

  /// `x` broadcast to `shape` (a copy).
  public static func broadcastTo(_ x: Tensor, _ shape: Shape) throws -> Tensor {
    guard Shape.broadcast(x.shape, shape) == shape else {
      throw PlexusError.shapeMismatch(
        context: "broadcast_to", expected: "a shape \(x.shape) broadcasts to",
        received: "\(shape)")
    }
    if x.shape == shape { return x }
    return try add(x, zeros(shape.validated(context: "broadcast_to"), dtype: x.dtype))
  }

  static func integerIndices(_ indices: Tensor, op: String) throws -> Tensor {
    switch indices.dtype {
    case .int32, .int64: return indices
    case .uint8: return try cast(indices, to: .int32)
    default:
      throw PlexusError.dtypeMismatch(
        context: op, expected: "integer indices (int32 or int64)", received: "\(indices.dtype)")
    }
  }
}
