#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Optional fused kernels a backend may offer. Each family has a composite fallback in the
/// frontend, written from the primitives, which is also the test oracle for the fused kernel.
/// The dispatcher finds a family by conformance (`backend as? SoftmaxKernels`), never by name.

/// Softmax and log-softmax over the last axis (op codes `.softmax`, `.logSoftmax`).
public protocol SoftmaxKernels: Backend {
  /// `out = exp(x - max) / sum(exp(x - max))` along the last axis.
  func softmax(_ x: TensorBuffer, _ out: TensorBuffer) throws
  /// `out = x - max - log(sum(exp(x - max)))` along the last axis.
  func logSoftmax(_ x: TensorBuffer, _ out: TensorBuffer) throws
}

/// Hyper-parameters of one Adam step, as Keras defines it.
public struct AdamHyperparameters: Sendable, Equatable {
  public var learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  /// The 1-based step count used for bias correction.
  public var step: Int

  public init(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, step: Int) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.step = step
  }

  /// The step's `float32` constants as every float32 Adam kernel computes them, in `Double`
  /// then rounded once: `alpha` = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ), 1 − β₁, 1 − β₂ and ε. One
  /// definition, so that kernels of different backends give the same bits.
  public var float32Constants:
    (alpha: Float, oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float)
  {
    let t = Double(step)
    let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
    return (Float(alpha), Float(1 - beta1), Float(1 - beta2), Float(epsilon))
  }
}

/// Fused optimizer updates that write the variable and its slots in place
/// (op codes `.sgdUpdate`, `.adamUpdate`). All buffers are `float32` or `float64` of one shape.
public protocol OptimizerKernels: Backend {
  /// Keras SGD: `v = momentum * v - lr * g; w += v` (Nesterov: `w += momentum * v - lr * g`);
  /// without momentum (`velocity == nil`), `w -= lr * g`.
  func sgdUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, velocity: TensorBuffer?,
    learningRate: Double, momentum: Double, nesterov: Bool
  ) throws
  /// Keras Adam: `m += (g - m)(1 - b1); v += (g² - v)(1 - b2);
  /// w -= lr·sqrt(1 - b2^t)/(1 - b1^t) · m / (sqrt(v) + eps)`.
  func adamUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, m: TensorBuffer, v: TensorBuffer,
    _ hyperparameters: AdamHyperparameters
  ) throws
}
