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

  /// Keras Adam, in place. In a build tuned for this CPU (`PX_FMA`, as the scripts build) it
  /// runs on the host kernels, whose explicit-SIMD loop measured faster in every one of six
  /// alternating pairs of batch-32 MLP epochs (0.395–0.532 against 0.400–0.543 s). Otherwise
  /// `float32` runs `plexus_adam_f32`, a C kernel compiled for AVX-512, AVX2 and the baseline,
  /// picking one for this CPU at each call, so an untuned build (`swift build -c release`, as a
  /// package depending on Plexus builds it) updates as fast as a tuned one; both give the
  /// reference kernel's bits. Large variables run in parts on the worker pool (elementwise: the
  /// cut changes no result). `float64` runs on the host kernels.
  public func adamUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, m: TensorBuffer, v: TensorBuffer,
    _ hyperparameters: AdamHyperparameters
  ) throws {
    guard variable.dtype == .float32, !Self.adamOnHostKernels else {
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

  /// Whether Adam runs on the host kernels whatever the dtype (a tuned build: see
  /// ``adamUpdate(variable:gradient:m:v:_:)``).
  static var adamOnHostKernels: Bool {
    #if PX_FMA
      true
    #else
      false
    #endif
  }
}
