/// The host-side reading of a batch that the metrics below share, with Keras's shape rules and
/// errors that name the metric.
extension Metric {
  /// The name errors use: the Keras class name (`"Precision"`).
  var errorContext: String { "\(type(of: self))" }

  /// Both tensors on the host, their shapes matched as Keras's `squeeze_or_expand_to_same_rank`
  /// does (one side may have an extra trailing axis of 1), in the shape they then share.
  func matchedValues(_ yTrue: Tensor, _ yPred: Tensor) throws -> (
    truth: [Double], predicted: [Double], shape: Shape
  ) {
    let (trueDims, predDims) = (yTrue.shape.dims, yPred.shape.dims)
    var shape: Shape?
    if trueDims == predDims {
      shape = yPred.shape
    } else if trueDims.last == 1, Array(trueDims.dropLast()) == predDims {
      shape = predDims.count == 1 ? yTrue.shape : yPred.shape
    } else if predDims.last == 1, Array(predDims.dropLast()) == trueDims {
      shape = trueDims.count == 1 ? yPred.shape : yTrue.shape
    }
    guard let shape else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "labels of the predictions' shape \(yPred.shape)",
        received: "labels of shape \(yTrue.shape)")
    }
    return (try Self.hostValues(yTrue), try Self.hostValues(yPred), shape)
  }

  /// `sampleWeight` broadcast to `shape` by NumPy's rules, one weight per element.
  func broadcastWeights(_ sampleWeight: Tensor, from weightShape: Shape, to shape: Shape)
    throws -> [Double]
  {
    let weights = try Self.hostValues(sampleWeight)
    guard let expanded = Self.broadcast(weights, from: weightShape, to: shape) else {
      throw PlexusError.shapeMismatch(
        context: "\(errorContext) sample_weight",
        expected: "weights that broadcast to the labels' shape \(shape) (one per sample or per "
          + "element)",
        received: "\(sampleWeight.shape)")
    }
    return expanded
  }

  /// The weight shape Keras's confusion-matrix metrics use: `sampleWeight` with a trailing
  /// axis of 1 added, dropped again when the labels then have one axis fewer.
  static func confusionWeightShape(_ weight: Shape, labels: Shape) -> Shape {
    let expanded = Shape(weight.dims + [1])
    return expanded.rank == labels.rank + 1 ? weight : expanded
  }

  /// `values` of `shape` broadcast to `target` by NumPy's rules (axes aligned at the end, each
  /// equal or 1), or nil when they do not broadcast.
  static func broadcast(_ values: [Double], from shape: Shape, to target: Shape) -> [Double]? {
    guard values.count == shape.elementCount, shape.rank <= target.rank else { return nil }
    let offset = target.rank - shape.rank
    for axis in 0..<shape.rank where shape[axis] != 1 && shape[axis] != target[offset + axis] {
      return nil
    }
    if shape == target { return values }
    // The source's stride for each target axis (0 along broadcast axes).
    var strides = [Int](repeating: 0, count: target.rank)
    var step = 1
    for axis in stride(from: shape.rank - 1, through: 0, by: -1) {
      if shape[axis] != 1 { strides[offset + axis] = step }
      step *= shape[axis]
    }
    let count = target.elementCount
    var result = [Double](repeating: 0, count: count)
    var index = [Int](repeating: 0, count: target.rank)
    var source = 0
    for position in 0..<count {
      result[position] = values[source]
      // Advance the multi-index like an odometer, keeping the source offset in step.
      var axis = target.rank - 1
      while axis >= 0 {
        index[axis] += 1
        source += strides[axis]
        if index[axis] < target[axis] { break }
        source -= strides[axis] * target[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// `numerator / denominator`, or 0 when the denominator is 0 (Keras's `divide_no_nan`).
  static func divideNoNaN(_ numerator: Double, _ denominator: Double) -> Double {
    denominator == 0 ? 0 : numerator / denominator
  }
}
