import BackendProtocol
import CPlexusKernels

extension OneDNNBackend: OptimizerKernels {
  /// Keras SGD, on the host kernels (oneDNN has no optimizer primitive).
  public func sgdUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, velocity: TensorBuffer?,
    learningRate: Double, momentum: Double, nesterov: Bool
  ) throws {
    try hostKernels.sgdUpdate(
      variable: variable, gradient: gradient, velocity: velocity, learningRate: learningRate,
      momentum: momentum, nesterov: nesterov)
  }

  /// Keras Adam, in place. `float32` runs `plexus_adam_f32`, a C kernel compiled for AVX-512,
  /// AVX2 and the baseline, picking one for this CPU at each call, so an untuned build
  /// (`swift build -c release`, as a package depending on Plexus builds it) updates as fast as
  /// a tuned one. Its square root is `vsqrtps`, the reference backend's Swift loop's SSE's
  /// `sqrtps`: both correctly rounded, as Keras's, and the other operations the same, so both
  /// give the same bits (half of the MLP's update, 50,885 weights: 23 µs against 36 µs with
  /// the Newton square root both used before, best of 500 on one core). Large variables run in parts on the worker pool (elementwise: the cut changes no
  /// result). `float64` runs on the host kernels.
  public func adamUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, m: TensorBuffer, v: TensorBuffer,
    _ hyperparameters: AdamHyperparameters
  ) throws {
    guard variable.dtype == .float32 else {
      try hostKernels.adamUpdate(
        variable: variable, gradient: gradient, m: m, v: v, hyperparameters)
      return
    }
    for operand in [variable, gradient, m, v] {
      try checkOperand(.adamUpdate, operand)
      guard operand.count == variable.count else {
        throw PlexusError.shapeMismatch(
          context: "adam_update on onednn", expected: "\(variable.shape), like the variable",
          received: "\(operand.shape)")
      }
    }
    let c = hyperparameters.float32Constants
    let count = variable.count
    let runs = Self.elementRuns(
      count, parts: count >= 1 << 14 ? WorkerPool.shared.workerCount + 1 : 1)
    let (w, g, first, second) = (
      variable.pointer(Float.self), gradient.pointer(Float.self), m.pointer(Float.self),
      v.pointer(Float.self)
    )
    try runParts(runs.count) { index in
      let (lower, upper) = runs[index]
      plexus_adam_f32(
        w + lower, g + lower, first + lower, second + lower, upper - lower, c.alpha,
        c.oneMinusBeta1, c.oneMinusBeta2, c.epsilon)
    }
  }
}
