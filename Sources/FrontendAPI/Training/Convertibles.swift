/// Anything `compile(optimizer:)` accepts: an ``Optimizer`` or its Keras name (`"adam"`).
public protocol OptimizerConvertible {
  /// The optimizer this value stands for.
  func makeOptimizer() throws -> Optimizer
}

/// Anything `compile(loss:)` accepts: a ``Loss`` or its Keras name.
public protocol LossConvertible {
  /// The loss this value stands for.
  func makeLoss() throws -> Loss
}

/// Anything `compile(metrics:)` accepts: a ``Metric`` or its Keras name (`"accuracy"`).
public protocol MetricConvertible {
  /// The metric this value stands for, given the compiled loss (which decides what
  /// `"accuracy"` means).
  func makeMetric(for loss: Loss) throws -> Metric
}

extension String: OptimizerConvertible, LossConvertible, MetricConvertible {
  public func makeOptimizer() throws -> Optimizer { try Optimizer.named(self) }
  public func makeLoss() throws -> Loss { try Loss.named(self) }
  public func makeMetric(for loss: Loss) throws -> Metric { try Metric.named(self, for: loss) }
}

extension Optimizer: OptimizerConvertible {
  public func makeOptimizer() throws -> Optimizer { self }
}

extension Loss: LossConvertible {
  public func makeLoss() throws -> Loss { self }
}

extension Metric: MetricConvertible {
  public func makeMetric(for loss: Loss) throws -> Metric { self }
}
