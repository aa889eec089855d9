/// What a compiled step has done: how often it ran eagerly (warm-ups and steps it cannot
/// replay), captured, replayed and traced again for a new signature.
public struct CompilationStatistics: Sendable, Equatable {
  /// Calls run eagerly: each signature's warm-up, and every call of a step that cannot be
  /// replayed.
  public var eagerCalls = 0
  /// Captures that made a plan.
  public var captures = 0
  /// Calls that replayed a plan.
  public var replays = 0
  /// Calls whose signature matched no cached entry after the first (each logged).
  public var retraces = 0
  /// Why the step runs eagerly, when it cannot be replayed.
  public var refusal: String?

  public init() {}
}
