import Plexus

/// What every layer promises, checked in one call from each layer's test:
/// - it builds at the first call and not before, and creates its weights then;
/// - the eager output shape equals `computeOutputShape` and the symbolic (Functional) shape;
/// - a second call gives the same output (inference is deterministic);
/// - `config` carries the layer's name, and a registered layer rebuilt from its serialized
///   form (`Layer.fromConfig`) writes the same config, built for the same shapes;
/// - gradients reach every trainable weight and match finite differences;
/// - the reference and OpenBLAS backends agree on the output;
/// - setting `trainable = false` freezes every weight.
///
/// Returns one line per broken promise (empty when the layer keeps them all).
public func checkLayerContract(
  _ makeLayer: () -> Layer, inputShape: Shape, expectedWeights: Int? = nil,
  checkGradients gradients: Bool = true
) throws -> [String] {
  try checkLayerContract(
    makeLayer, inputShapes: [inputShape], expectedWeights: expectedWeights,
    checkGradients: gradients)
}

/// The same contract for layers that take several inputs (merging layers).
public func checkLayerContract(
  _ makeLayer: () -> Layer, inputShapes: [Shape], expectedWeights: Int? = nil,
  checkGradients gradients: Bool = true
) throws -> [String] {
  var problems: [String] = []
  let layer = makeLayer()
  if layer.built { problems.append("built before its first call") }
  let xs = try inputShapes.enumerated().map { index, shape in
    try sampleTensor(shape, avoidZero: true, seed: 7 + index).cast(to: .float32)
  }
  let symbolicShapes = inputShapes.map { Shape([-1] + $0.dims.dropFirst()) }

  let y = try layer(xs)
  if !layer.built { problems.append("not built after its first call") }
  if let expectedWeights, layer.weights.count != expectedWeights {
    problems.append("has \(layer.weights.count) weights, expected \(expectedWeights)")
  }
  let predicted = try layer.computeOutputShape(symbolicShapes)
  if Array(predicted.dims.dropFirst()) != Array(y.shape.dims.dropFirst()) {
    problems.append("computeOutputShape \(predicted) disagrees with the output \(y.shape)")
  }
  let symbolic = try makeLayer()(
    inputShapes.map { Input(shape: Shape(Array($0.dims.dropFirst()))) })
  if Array(symbolic.shape.dims.dropFirst()) != Array(y.shape.dims.dropFirst()) {
    problems.append("symbolic shape \(symbolic.shape) disagrees with the output \(y.shape)")
  }
  if try layer(xs).floats() != y.floats() { problems.append("two inference calls differ") }
  if layer.config["name"] != .string(layer.name) { problems.append("config lacks its name") }
  if Layer.registry.names.contains(layer.className) {
    let serialized = layer.serialized.value
    let rebuilt = try Layer.fromConfig(serialized).serialized.value
    if rebuilt != serialized {
      problems.append("Layer.fromConfig rebuilds \(rebuilt), not \(serialized)")
    }
  }

  // Compared only where OpenBLAS runs some of the layer's ops itself: elsewhere both runs would
  // take the same reference kernels and the comparison could not fail.
  let (onOpenBLAS, statistics) = try Dispatcher.recordingStatistics {
    try withBackend("openblas") { try layer(xs) }
  }
  if statistics.dispatchCount(backend: "openblas") > 0 {
    let onReference = try withBackend("reference") { try layer(xs) }
    for (a, b) in zip(try onOpenBLAS.floats(), try onReference.floats())
    where Swift.abs(a - b) > 1e-4 * Swift.max(1, Swift.abs(a)) {
      problems.append("openblas and reference disagree: \(a) vs \(b)")
      break
    }
  }

  if gradients && !layer.trainableWeights.isEmpty {
    // The layer computes in float32, so the finite differences use a large step and a
    // loose tolerance; the float64 checks of every primitive live in GradientRulesTests.
    let tape = GradientTape()
    let loss = try tape.record { try Ops.sum(Ops.square(layer(xs, training: false))) }
    let grads = try tape.gradient(of: loss, wrt: layer.trainableWeights)
    for (variable, grad) in zip(layer.trainableWeights, grads) where grad == nil {
      problems.append("no gradient reaches \(variable.path)")
    }
    for (index, variable) in layer.trainableWeights.enumerated() {
      guard let grad = grads[index], variable.count <= 64 else { continue }
      let base = try variable.value.floats()
      let analytic = try grad.floats()
      for element in stride(from: 0, to: base.count, by: Swift.max(1, base.count / 8)) {
        let step: Float = 1e-2
        var plus = base
        var minus = base
        plus[element] += step
        minus[element] -= step
        try variable.assign(Tensor(plus, shape: variable.shape))
        let upper = try Ops.sum(Ops.square(layer(xs))).item()
        try variable.assign(Tensor(minus, shape: variable.shape))
        let lower = try Ops.sum(Ops.square(layer(xs))).item()
        try variable.assign(Tensor(base, shape: variable.shape))
        let numeric = (upper - lower) / Double(2 * step)
        let value = Double(analytic[element])
        if Swift.abs(numeric - value) > 2e-2 * Swift.max(1, Swift.abs(numeric)) {
          problems.append(
            "\(variable.path)[\(element)]: tape \(value), finite differences \(numeric)")
        }
      }
    }
  }

  if !layer.weights.isEmpty {
    layer.trainable = false
    if !layer.trainableWeights.isEmpty {
      problems.append("trainable = false left weights trainable")
    }
    layer.trainable = true
  }
  return problems
}
