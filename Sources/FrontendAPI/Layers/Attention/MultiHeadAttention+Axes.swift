/// `attention_axes`: attention over any axes of inputs of rank ≥ 3. The axes that are neither
/// the batch, the features nor attended to act as batch axes; Plexus moves them next to the
/// batch, flattens them into it and the attended axes into one sequence axis, attends as over a
/// sequence, and puts the output and the scores back in Keras's layout:
/// `(batch, other axes…, features)` and `(batch, other axes…, heads, query axes…, key axes…)`.
extension MultiHeadAttention {
  /// The attended axes for inputs of `rank`, as Keras resolves them: the given axes with
  /// negative ones counted from the features axis, or every axis between the batch and the
  /// features; each in `1..<rank-1`, distinct and in increasing order.
  func resolveAttentionAxes(rank: Int) throws -> [Int] {
    guard let attentionAxes else { return Array(1..<Swift.max(rank - 1, 1)) }
    let resolved = attentionAxes.map { $0 >= 0 ? $0 : $0.addingReportingOverflow(rank - 1).0 }
    guard !resolved.isEmpty, resolved.allSatisfy({ (1..<(rank - 1)).contains($0) }),
      zip(resolved, resolved.dropFirst()).allSatisfy({ $0 < $1 })
    else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "attention_axes \(attentionAxes) must name axes between the batch and the "
          + "features of the rank-\(rank) inputs, each once and in increasing order")
    }
    return resolved
  }

  /// Checks shapes of rank ≥ 3 against the attended `axes` and returns the shapes of the
  /// sequences they flatten to, `(batch, steps, features)` (-1 where unknown).
  func flattenedShapes(_ shapes: [Shape], axes: [Int]) throws -> [Shape] {
    let rank = shapes[0].rank
    guard rank >= 3, shapes.allSatisfy({ $0.rank == rank && $0[rank - 1] > 0 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "query, value and key of one rank ≥ 3 with known features",
        received: "\(shapes)")
    }
    let others = (1..<(rank - 1)).filter { !axes.contains($0) }
    let (query, value) = (shapes[0], shapes[1])
    let key = shapes.count > 2 ? shapes[2] : value
    let matches =
      others.allSatisfy { query[$0] == value[$0] && value[$0] == key[$0] }
      && axes.allSatisfy { value[$0] == key[$0] }
    guard matches else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "the same non-attended axes \(others) in query, value and key, and key's "
          + "attended axes \(axes) equal to value's",
        received: "query \(query), value \(value), key \(key)")
    }
    func product(_ shape: Shape, _ indices: [Int]) -> Int {
      indices.reduce(1) { total, index in
        total < 0 || shape[index] < 0 ? -1 : total.multipliedReportingOverflow(by: shape[index]).0
      }
    }
    return shapes.map { shape in
      Shape([-1, product(shape, axes), shape[rank - 1]])
    }
  }

  /// ``attend(_:attentionMask:useCausalMask:training:returnsScores:)`` on inputs of rank > 3:
  /// flattened to sequences, attended, and put back in Keras's layout. An `attentionMask` is
  /// laid out as the scores are, without the heads' axis (see ``flattenedMask(_:axes:inputs:)``);
  /// the causal mask and the inputs' own masks are refused here: Keras builds them for
  /// `(batch, steps)` sequences and broadcasts them against other axes of these scores.
  func attendOverAxes(
    _ inputs: [Tensor], attentionMask: Tensor?, useCausalMask: Bool, training: Bool,
    returnsScores: Bool
  ) throws -> (output: Tensor, scores: Tensor) {
    let rank = inputs[0].rank
    guard !useCausalMask, inputs.allSatisfy({ $0.mask == nil }) else {
      throw PlexusError.unsupported(
        op: "Layer \(identity): the causal mask and the inputs' masks with attention over the "
          + "axes of rank-\(rank) inputs (pass an attention_mask laid out as the scores)",
        dtype: inputs[0].dtype, backend: "any")
    }
    let axes = try resolveAttentionAxes(rank: rank)
    _ = try flattenedShapes(inputs.map(\.shape), axes: axes)
    let others = (1..<(rank - 1)).filter { !axes.contains($0) }
    let permutation = [0] + others + axes + [rank - 1]
    let batch = inputs[0].shape[0]
    let otherSizes = others.map { inputs[0].shape[$0] }
    let rows = otherSizes.reduce(batch, *)
    let sequences = try inputs.map { input -> Tensor in
      let steps = axes.reduce(1) { $0 * input.shape[$1] }
      return try Ops.reshape(
        Ops.transpose(input, permutation: permutation), [rows, steps, input.shape[rank - 1]])
    }
    let sequenceMask = try attentionMask.map { try flattenedMask($0, axes: axes, inputs: inputs) }
    let (output, scores) = try attend(
      sequences, attentionMask: sequenceMask, useCausalMask: false, training: training,
      returnsScores: returnsScores)
    let queryAxes = axes.map { inputs[0].shape[$0] }
    let keyAxes = axes.map { inputs[1].shape[$0] }
    let trailing = Array(output.shape.dims.dropFirst(2))
    // (batch, others…, query axes…, features…) back to the query's order of axes.
    let grouped = try Ops.reshape(output, Shape([batch] + otherSizes + queryAxes + trailing))
    var inverse = [Int](repeating: 0, count: rank - 1)
    for (position, axis) in permutation.dropLast().enumerated() { inverse[axis] = position }
    let restored = try Ops.transpose(
      grouped, permutation: inverse + Array((rank - 1)..<(rank - 1 + trailing.count)))
    let laidOut = try Ops.reshape(
      scores, Shape([batch] + otherSizes + [numHeads] + queryAxes + keyAxes))
    return (restored, laidOut)
  }

  /// The scores' shape for these input shapes: Keras's
  /// `(batch, other axes…, heads, query axes…, key axes…)`.
  func scoresShape(_ shapes: [Shape]) throws -> Shape {
    let rank = shapes[0].rank
    let axes = try resolveAttentionAxes(rank: rank)
    let others = (1..<(rank - 1)).filter { !axes.contains($0) }
    return Shape(
      [shapes[0][0]] + others.map { shapes[0][$0] } + [numHeads] + axes.map { shapes[0][$0] }
        + axes.map { shapes[1][$0] })
  }

  /// `mask` as a mask of the flattened sequences, `(batch · other axes, query steps, key
  /// steps)`. Keras lays it out as the scores, `(batch, other axes…, query axes…, key axes…)`,
  /// and gives it the heads' axis (before the query axes) until it has the scores' rank; each of
  /// its axes then has the scores' size or 1, which broadcasts, and the heads' axis size 1.
  func flattenedMask(_ mask: Tensor, axes: [Int], inputs: [Tensor]) throws -> Tensor {
    let rank = inputs[0].rank
    let others = (1..<(rank - 1)).filter { !axes.contains($0) }
    let queryAxes = axes.map { inputs[0].shape[$0] }
    let keyAxes = axes.map { inputs[1].shape[$0] }
    let batch = [inputs[0].shape[0]] + others.map { inputs[0].shape[$0] }
    let full = batch + [1] + queryAxes + keyAxes
    var dims = mask.shape.dims
    // Keras's `expand_dims(mask, -2·len(attention_axes) - 1)`, as often as the ranks differ.
    while dims.count >= 2 * axes.count, dims.count < full.count {
      dims.insert(1, at: dims.count - 2 * axes.count)
    }
    guard dims.count == full.count, zip(dims, full).allSatisfy({ $0 == $1 || $0 == 1 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity) attention_mask",
        expected: "the scores' layout without the heads, \(Shape(batch + queryAxes + keyAxes)), "
          + "or broadcastable to it",
        received: "\(mask.shape)")
    }
    let numbers = mask.dtype == .float32 ? mask : try Ops.cast(mask, to: .float32)
    let spread = try Ops.broadcastTo(Ops.reshape(numbers, Shape(dims)), Shape(full))
    let rows = batch.reduce(1, *)
    return try Ops.reshape(
      spread, [rows, queryAxes.reduce(1, *), keyAxes.reduce(1, *)])
  }
}
