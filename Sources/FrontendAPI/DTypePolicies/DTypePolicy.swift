import Synchronization

/// The dtype policy of a layer: the dtype of its variables and of its computation.
///
/// - `float32` (the default): both float32.
/// - `mixed_bfloat16`: variables in float32, computation in bfloat16. A layer casts its
///   floating inputs to bfloat16 and reads its trainable variables as bfloat16 casts (their
///   gradients flow back to the float32 variables); losses compute in float32; normalization
///   layers compute in float32 and give bfloat16.
///
/// Set it for the process with ``Config/setDTypePolicy(_:)``, for a task with
/// ``withDTypePolicy(_:_:)``, or per layer (``Layer/dtypePolicy``) before the layer builds; a
/// layer takes the policy in force when it is made. Layer configs carry it under `dtype`.
///
/// Keras writes it as `{"module": "keras", "class_name": "DTypePolicy", "config": {"name":
/// "float32"}, "registered_name": null}`. Equivalent to `keras.DTypePolicy`.
public struct DTypePolicy: Sendable, Hashable {
  /// The policy name (`"float32"`, `"mixed_float16"`).
  public let name: String

  /// A policy by name.
  public init(name: String) { self.name = name }

  /// Float32 variables and computation.
  public static let float32 = DTypePolicy(name: "float32")
  /// Float32 variables, bfloat16 computation (Keras's `"mixed_bfloat16"`).
  public static let mixedBFloat16 = DTypePolicy(name: "mixed_bfloat16")

  /// The dtype layers compute in.
  public var computeDType: DType { name == "mixed_bfloat16" ? .bfloat16 : .float32 }

  /// The dtype of the variables layers make.
  public var variableDType: DType { .float32 }

  /// The policy in force: this task's (``withDTypePolicy(_:_:)``), else the process's.
  public static var current: DTypePolicy {
    let policy = scoped ?? global.withLock { $0 }
    if policy.computeDType != .float32 { noteMixedInUse() }
    return policy
  }

  @TaskLocal static var scoped: DTypePolicy?
  static let global = Locked(DTypePolicy.float32)

  /// Whether any layer of the process has computed in another dtype than float32: until then
  /// layer calls and variable reads skip the casting machinery.
  static var mixedInUse: Bool { mixedFlag.load(ordering: .relaxed) }
  private static let mixedFlag = Atomic(false)
  static func noteMixedInUse() { mixedFlag.store(true, ordering: .relaxed) }

  /// The policy as Keras serializes it.
  public var value: ConfigValue {
    SerializedObject(module: "keras", className: "DTypePolicy", config: ["name": .string(name)])
      .value
  }

  /// Reads a policy as Keras writes it: the serialized object, a bare name, or `null` (the
  /// global default, float32).
  public init(_ value: ConfigValue) throws {
    if value.isNull {
      self = .float32
    } else if let name = value.stringValue {
      self.init(name: name)
    } else {
      let object = try SerializedObject(value, kind: "DTypePolicy")
      guard object.className == "DTypePolicy" || object.className == "FloatDTypePolicy",
        let name = object.config["name"]?.stringValue
      else {
        throw PlexusError.invalidArgument(
          context: "DTypePolicy",
          message: "expected a DTypePolicy with a 'name', received \(value)")
      }
      self.init(name: name)
    }
  }

  /// Throws unless Plexus supports this policy (`float32`, `mixed_bfloat16`), naming `context`.
  public func requireSupported(_ context: String) throws {
    guard self == .float32 || self == .mixedBFloat16 else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "dtype policy '\(name)' is not supported; expected 'float32' or "
          + "'mixed_bfloat16'")
    }
  }
}

/// Runs `body` with `policy` in force for the layers it makes (on this task only).
public func withDTypePolicy<R>(_ policy: DTypePolicy, _ body: () throws -> R) throws -> R {
  try policy.requireSupported("withDTypePolicy")
  return try DTypePolicy.$scoped.withValue(policy) { try body() }
}
