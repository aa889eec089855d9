/// A function of tensors run by capture and replay: the `tf.function` of Plexus, for custom
/// training steps written with ``GradientTape``.
///
/// The first call with a new signature (the inputs' dtypes and shapes, the backend) runs
/// eagerly, building layers and optimizer slots; the second records the ops it dispatches
/// while running them; later calls replay the recording without running `body` at all.
/// Variables the body reads or updates are state, updated in place; the optimizer's rate and
/// step and every random draw are bound afresh per call, so a schedule or dropout behaves as
/// eagerly. What `body` does on the host (prints, Swift variables) happens only when it runs,
/// and a host read of a computed value inside it is an error naming the value (return the
/// tensor and read it after the call instead).
///
/// ```swift
/// let step = compiled { inputs in
///   let tape = GradientTape()
///   let loss = try tape.record { try lossFunction(inputs[1], model(inputs[0], training: true)) }
///   let gradients = try tape.gradient(of: loss, wrt: model.trainableWeights)
///   try optimizer.apply(gradients, to: model.trainableWeights)
///   return [loss]
/// }
/// for (x, y) in batches { print(try step([x, y])[0].item()) }
/// ```
public final class CompiledFunction {
  private let function: StepFunction
  private let body: ([Tensor]) throws -> [Tensor]
  /// Compiled (`.on`: a body that cannot be replayed is an error), `.auto` (eager then, with a
  /// logged line) or `.off` (always eager).
  public var jitCompile: JitCompile

  /// Wraps `body`; `name` labels logs and errors; `fusion` says which op patterns a capture
  /// fuses into one kernel (``Fusion/exact`` keeps replays bit for bit equal to eager).
  public init(
    name: String = "compiled function", jitCompile: JitCompile = .on, fusion: Fusion = .exact,
    _ body: @escaping ([Tensor]) throws -> [Tensor]
  ) {
    self.function = StepFunction(name: name, fusion: fusion)
    self.body = body
    self.jitCompile = jitCompile
  }

  /// Runs the function on `inputs`; the results are new tensors, never changed by later calls.
  public func callAsFunction(_ inputs: [Tensor]) throws -> [Tensor] {
    try function.call(inputs, structure: [], mode: jitCompile) { inputs in
      (try body(inputs), nil)
    }.results
  }

  /// What the function has done: warm-ups, captures, replays and retraces.
  public var statistics: CompilationStatistics { function.statistics }

  /// A text dump of the newest plan: each op with its backend, where its buffers live (arena
  /// offsets, variables, inputs, constants), the fused groups, and the arena's size. Empty
  /// before a capture.
  public var planDescription: String { function.plans.last?.description ?? "" }
}

/// Wraps `body` in a ``CompiledFunction``: the `tf.function` analogue for custom steps.
public func compiled(
  name: String = "compiled function", jitCompile: JitCompile = .on, fusion: Fusion = .exact,
  _ body: @escaping ([Tensor]) throws -> [Tensor]
) -> CompiledFunction {
  CompiledFunction(name: name, jitCompile: jitCompile, fusion: fusion, body)
}
