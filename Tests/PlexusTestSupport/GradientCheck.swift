import Plexus

/// Compares the tape's gradients of `function` (summed over its output, weighted by a fixed
/// random cotangent so every output element matters) with central finite differences, in
/// float64. Returns one line per input whose gradient disagrees beyond `tolerance` (relative to
/// the larger magnitude, with an absolute floor).
///
/// `inputs` should be float64 and away from kinks of the function (relu at 0, abs at 0, ...).
public func checkGradients(
  of function: ([Tensor]) throws -> Tensor, at inputs: [Tensor], step: Double = 1e-6,
  tolerance: Double = 1e-5
) throws -> [String] {
  // A fixed cotangent makes the check sensitive to every output element.
  let probe = try function(inputs)
  let weights = (0..<probe.count).map { 0.5 + Double(($0 * 7919) % 13) / 13 }
  let cotangent = try Tensor(weights, shape: probe.shape).cast(to: probe.dtype)
  func objective(_ values: [Tensor]) throws -> Tensor {
    try Ops.sum(Ops.multiply(function(values), cotangent))
  }

  let tape = GradientTape()
  var watched = inputs
  tape.watch(&watched)
  let value = try tape.record { try objective(watched) }
  let analytic = try tape.gradient(of: value, wrt: watched)

  var problems: [String] = []
  for (index, input) in inputs.enumerated() where input.dtype.isFloatingPoint {
    let base = try input.cast(to: .float64).scalars(Double.self)
    var numeric = [Double](repeating: 0, count: base.count)
    for element in base.indices {
      var plus = base
      var minus = base
      plus[element] += step
      minus[element] -= step
      var upper = inputs
      var lower = inputs
      upper[index] = try Tensor(plus, shape: input.shape).cast(to: input.dtype)
      lower[index] = try Tensor(minus, shape: input.shape).cast(to: input.dtype)
      let difference = try objective(upper).item() - objective(lower).item()
      numeric[element] = difference / (2 * step)
    }
    let computed =
      try analytic[index].map { try $0.cast(to: .float64).scalars(Double.self) }
      ?? [Double](repeating: 0, count: base.count)
    guard computed.count == numeric.count else {
      problems.append(
        "input \(index): gradient has \(computed.count) elements, expected \(numeric.count)")
      continue
    }
    for (element, (a, n)) in zip(computed, numeric).enumerated() {
      let scale = Swift.max(1, Swift.abs(a), Swift.abs(n))
      if Swift.abs(a - n) > tolerance * scale {
        problems.append("input \(index)[\(element)]: tape \(a), finite differences \(n)")
      }
    }
  }
  return problems
}

/// A float64 tensor of `shape` with deterministic values in `range`, each at least `gap` away
/// from zero when `avoidZero` is set (for kinks at zero).
public func sampleTensor(
  _ shape: Shape, in range: ClosedRange<Double> = -1...1, avoidZero: Bool = false,
  seed: Int = 1
) throws -> Tensor {
  var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
  let values = (0..<shape.elementCount).map { _ -> Double in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    var value =
      range.lowerBound + (range.upperBound - range.lowerBound) * Double(state % 10_000) / 10_000
    if avoidZero && Swift.abs(value) < 0.1 { value += value < 0 ? -0.2 : 0.2 }
    return value
  }
  return try Tensor(values, shape: shape)
}
