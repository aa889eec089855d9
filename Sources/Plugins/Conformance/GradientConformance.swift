import Plexus

/// One differentiable computation the backward conformance check runs: a name, its inputs,
/// and the function.
public struct GradientCase {
  public let name: String
  public let inputs: [Tensor]
  public let function: ([Tensor]) throws -> Tensor

  public init(_ name: String, _ inputs: [Tensor], _ function: @escaping ([Tensor]) throws -> Tensor)
  {
    self.name = name
    self.inputs = inputs
    self.function = function
  }
}

/// Computes each case's value and its gradients with respect to every input, forward and
/// backward, on `backend` and on the reference backend, and returns one line per disagreement
/// beyond `tolerance` (relative, with an absolute floor of 1). A case during which `backend` ran
/// none of the ops itself is reported too: comparing two runs of the same reference kernels
/// could never fail.
///
/// With `skippingUnexercised`, a case the backend ran nothing of is skipped instead (the suite
/// runs every op's case on every backend, most of which implement only some ops); `exercised`
/// then counts the cases that did run on it.
public func checkGradientConformance(
  backend: String, cases: [GradientCase], tolerance: Double = 1e-4,
  skippingUnexercised: Bool = false, exercised: UnsafeMutablePointer<Int>? = nil
) throws -> [String] {
  func run(_ name: String, _ gradientCase: GradientCase) throws -> ([Float], DispatchStatistics) {
    try Dispatcher.recordingStatistics {
      try withBackend(name) {
        let tape = GradientTape()
        var watched = gradientCase.inputs
        tape.watch(&watched)
        let value = try tape.record { try Ops.sum(gradientCase.function(watched)) }
        let gradients = try tape.gradient(of: value, wrt: watched)
        var flat = try value.floats()
        for gradient in gradients { flat += try gradient?.floats() ?? [] }
        return flat
      }
    }
  }
  var problems: [String] = []
  for gradientCase in cases {
    let (expected, _) = try run("reference", gradientCase)
    let (actual, statistics) = try run(backend, gradientCase)
    if statistics.dispatchCount(backend: backend) == 0 {
      if skippingUnexercised { continue }
      problems.append("\(gradientCase.name): \(backend) ran none of the ops")
    }
    exercised?.pointee += 1
    guard expected.count == actual.count else {
      problems.append("\(gradientCase.name): \(actual.count) values, expected \(expected.count)")
      continue
    }
    for (index, (want, got)) in zip(expected, actual).enumerated()
    where Swift.abs(Double(want - got)) > tolerance * Swift.max(1, Swift.abs(Double(want))) {
      problems.append(
        "\(gradientCase.name): value \(index) is \(got) on \(backend), \(want) on reference")
      break
    }
  }
  return problems
}
