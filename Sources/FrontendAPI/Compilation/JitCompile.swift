/// Whether `fit`, `evaluate` and `predict` run their steps compiled: captured once and replayed
/// (see ``CompiledFunction``). Equivalent to Keras's `compile(jit_compile=...)`.
///
/// `true` and `false` convert: `compile(..., jitCompile: false)`.
public enum JitCompile: String, Sendable, ExpressibleByBooleanLiteral {
  /// Compiled where the step can be replayed, else eager with one logged line saying why
  /// (Keras's default, `"auto"`).
  case auto
  /// Compiled; a step that cannot be replayed is an error.
  case on
  /// Eager, every step.
  case off

  public init(booleanLiteral value: Bool) { self = value ? .on : .off }
}
