import BackendProtocol
import CPlexusSupport
import Plexus

/// The keyword arguments of one `px_ops_call`, read by name; every key must be used.
private struct OpArguments {
  let op: String
  let values: [String: ConfigValue]
  private(set) var read: Set<String> = []

  init(op: String, json: UnsafePointer<CChar>?, function: String) throws {
    self.op = op
    guard json != nil else {
      values = [:]
      return
    }
    let text = try string(json, "attributes_json", in: function)
    let parsed: ConfigValue
    do {
      parsed = try ConfigValue(json: text)
    } catch {
      throw invalidArgument(function, "attributes_json is not valid JSON: \(error)")
    }
    guard let object = parsed.objectValue else {
      throw invalidArgument(function, "attributes_json must be a JSON object, received \(text)")
    }
    values = object
  }

  private func mismatch(_ key: String, _ expected: String) -> PlexusError {
    .invalidArgument(
      context: "px_ops_call '\(op)'",
      message: "'\(key)' must be \(expected), received \(values[key] ?? .null)")
  }

  /// An int attribute, `fallback` when absent.
  mutating func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
    read.insert(key)
    guard let value = values[key], !value.isNull else {
      guard let fallback else { throw mismatch(key, "an integer (it is required)") }
      return fallback
    }
    guard let int = value.intValue else { throw mismatch(key, "an integer") }
    return int
  }

  /// A number attribute.
  mutating func double(_ key: String) throws -> Double {
    read.insert(key)
    guard let value = values[key]?.doubleValue ?? values[key]?.intValue.map(Double.init) else {
      throw mismatch(key, "a number (it is required)")
    }
    return value
  }

  /// A bool attribute, false when absent.
  mutating func bool(_ key: String) throws -> Bool {
    read.insert(key)
    guard let value = values[key], !value.isNull else { return false }
    guard let bool = value.boolValue else { throw mismatch(key, "true or false") }
    return bool
  }

  /// An int, a list of ints, or null (nil).
  mutating func axes(_ key: String) throws -> [Int]? {
    read.insert(key)
    guard let value = values[key], !value.isNull else { return nil }
    if let int = value.intValue { return [int] }
    guard let list = value.arrayValue?.compactMap(\.intValue), list.count == value.arrayValue?.count
    else { throw mismatch(key, "an integer, a list of integers or null") }
    return list
  }

  /// A required list of ints.
  mutating func ints(_ key: String) throws -> [Int] {
    guard let list = try axes(key) else { throw mismatch(key, "a list of integers") }
    return list
  }

  /// A dtype name.
  mutating func dtype(_ key: String) throws -> DType {
    read.insert(key)
    guard let name = values[key]?.stringValue, let dtype = DType(name: name) else {
      throw mismatch(key, "a dtype name (float32, float64, int32, int64, uint8, bool, bfloat16)")
    }
    return dtype
  }

  /// Fails on a key the op does not take.
  func finish() throws {
    if let unknown = values.keys.sorted().first(where: { !read.contains($0) }) {
      throw PlexusError.invalidArgument(
        context: "px_ops_call '\(op)'", message: "takes no attribute '\(unknown)'")
    }
  }
}

private typealias Unary = @Sendable (Tensor) throws -> Tensor
private typealias Binary = @Sendable (Tensor, Tensor) throws -> Tensor

private let unaryOps: [String: Unary] = [
  "negative": Ops.negative, "abs": Ops.abs, "sign": Ops.sign, "square": Ops.square,
  "sqrt": Ops.sqrt, "rsqrt": Ops.rsqrt, "exp": Ops.exp, "expm1": Ops.expm1, "log": Ops.log,
  "log1p": Ops.log1p, "sin": Ops.sin, "cos": Ops.cos, "tanh": Ops.tanh, "sigmoid": Ops.sigmoid,
  "relu": Ops.relu, "floor": Ops.floor, "ceil": Ops.ceil, "round": Ops.round, "erf": Ops.erf,
  "reciprocal": Ops.reciprocal, "logical_not": Ops.logicalNot, "copy": Ops.copy,
]

private let binaryOps: [String: Binary] = [
  "add": Ops.add, "subtract": Ops.subtract, "multiply": Ops.multiply, "divide": Ops.divide,
  "power": Ops.power, "maximum": Ops.maximum, "minimum": Ops.minimum, "equal": Ops.equal,
  "not_equal": Ops.notEqual, "less": Ops.less, "less_equal": Ops.lessEqual,
  "greater": Ops.greater, "greater_equal": Ops.greaterEqual, "logical_and": Ops.logicalAnd,
  "logical_or": Ops.logicalOr, "matmul": { try Ops.matmul($0, $1) },
]

private typealias Reduction = @Sendable (Tensor, [Int]?, Bool) throws -> Tensor

private let reductions: [String: Reduction] = [
  "sum": { try Ops.sum($0, axes: $1, keepDims: $2) },
  "mean": { try Ops.mean($0, axes: $1, keepDims: $2) },
  "max": { try Ops.max($0, axes: $1, keepDims: $2) },
  "min": { try Ops.min($0, axes: $1, keepDims: $2) },
  "prod": { try Ops.prod($0, axes: $1, keepDims: $2) },
  "logsumexp": { try Ops.logSumExp($0, axes: $1, keepDims: $2) },
]

/// Runs op `name` on `inputs`.
private func run(_ name: String, _ inputs: [Tensor], _ arguments: inout OpArguments) throws
  -> Tensor
{
  func arity(_ count: Int) throws {
    guard inputs.count == count else {
      throw PlexusError.invalidArgument(
        context: "px_ops_call '\(name)'",
        message: "takes \(count) input\(count == 1 ? "" : "s"), received \(inputs.count)")
    }
  }
  if let op = unaryOps[name] {
    try arity(1)
    return try op(inputs[0])
  }
  if let op = binaryOps[name] {
    try arity(2)
    return try op(inputs[0], inputs[1])
  }
  if let op = reductions[name] {
    try arity(1)
    return try op(inputs[0], try arguments.axes("axis"), try arguments.bool("keepdims"))
  }
  switch name {
  case "where":
    try arity(3)
    return try Ops.where(inputs[0], inputs[1], inputs[2])
  case "argmax", "argmin":
    try arity(1)
    // keras.ops: axis None (the default) searches the flattened tensor.
    let axis = try arguments.axes("axis")
    let keep = try arguments.bool("keepdims")
    guard axis == nil || axis?.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "px_ops_call '\(name)'", message: "'axis' must be one integer or null")
    }
    let x = axis == nil ? try Ops.reshape(inputs[0], [-1]) : inputs[0]
    let found =
      name == "argmax"
      ? try Ops.argmax(x, axis: axis?.first ?? 0, keepDims: keep)
      : try Ops.argmin(x, axis: axis?.first ?? 0, keepDims: keep)
    guard axis == nil, keep else { return found }
    return try Ops.reshape(found, Shape(Array(repeating: 1, count: inputs[0].rank)))
  case "softmax", "log_softmax":
    try arity(1)
    let axis = try arguments.int("axis", -1)
    return name == "softmax"
      ? try Ops.softmax(inputs[0], axis: axis) : try Ops.logSoftmax(inputs[0], axis: axis)
  case "clip":
    try arity(1)
    return try Ops.clip(
      inputs[0], min: try arguments.double("x_min"), max: arguments.double("x_max"))
  case "reshape":
    try arity(1)
    // keras.ops.reshape names it `newshape`; `shape` is accepted too.
    let key = arguments.values["newshape"] != nil ? "newshape" : "shape"
    return try Ops.reshape(inputs[0], Shape(try arguments.ints(key)))
  case "transpose":
    try arity(1)
    return try Ops.transpose(inputs[0], permutation: try arguments.axes("axes"))
  case "expand_dims":
    try arity(1)
    return try Ops.expandDims(inputs[0], axis: try arguments.int("axis"))
  case "squeeze":
    try arity(1)
    return try Ops.squeeze(inputs[0], axes: try arguments.axes("axis"))
  case "broadcast_to":
    try arity(1)
    return try Ops.broadcastTo(inputs[0], Shape(try arguments.ints("shape")))
  case "concatenate", "stack":
    let axis = try arguments.int("axis", 0)
    return name == "stack"
      ? try Ops.stack(inputs, axis: axis) : try Ops.concatenate(inputs, axis: axis)
  case "take":
    try arity(2)
    // keras.ops: axis None (the default) takes from the flattened tensor.
    guard let axis = try arguments.axes("axis") else {
      return try Ops.take(Ops.reshape(inputs[0], [-1]), inputs[1], axis: 0)
    }
    guard axis.count == 1, let first = axis.first else {
      throw PlexusError.invalidArgument(
        context: "px_ops_call 'take'", message: "'axis' must be one integer or null")
    }
    return try Ops.take(inputs[0], inputs[1], axis: first)
  case "one_hot":
    try arity(1)
    return try Ops.oneHot(inputs[0], depth: try arguments.int("num_classes"))
  case "cast":
    try arity(1)
    return try Ops.cast(inputs[0], to: try arguments.dtype("dtype"))
  default:
    let known =
      (Array(unaryOps.keys) + Array(binaryOps.keys) + Array(reductions.keys)) + [
        "where", "argmax", "argmin", "softmax", "log_softmax", "clip", "reshape", "transpose",
        "expand_dims", "squeeze", "broadcast_to", "concatenate", "stack", "take", "one_hot", "cast",
      ]
    throw PlexusError.invalidArgument(
      context: "px_ops_call",
      message: "unknown op '\(name)'; known ops: \(known.sorted().joined(separator: ", "))")
  }
}

/// `px_ops_call`: one keras.ops op by name.
@c(px_ops_call)
public func pxOpsCall(
  _ name: UnsafePointer<CChar>?, _ inputs: UnsafePointer<OpaquePointer?>?, _ inputCount: Int,
  _ attributesJSON: UnsafePointer<CChar>?, _ outputs: UnsafeMutablePointer<OpaquePointer?>?,
  _ capacity: Int, _ outCount: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_ops_call"
  return guarded(function) {
    let op = try string(name, "name", in: function)
    let tensors = try TensorHandle.tensors(inputs, count: inputCount, "inputs", in: function)
    let array = try required(outputs, "outputs", in: function)
    guard try validatedCount(capacity, argument: "capacity", in: function) >= 1 else {
      throw invalidArgument(function, "capacity is 0; '\(op)' writes 1 output")
    }
    var arguments = try OpArguments(op: op, json: attributesJSON, function: function)
    let result = try run(op, tensors, &arguments)
    try arguments.finish()
    guard result.rank <= Int(PX_MAX_RANK) else {
      throw invalidArgument(
        function, "'\(op)' would make a tensor of rank \(result.rank), over PX_MAX_RANK")
    }
    array[0] = TensorHandle.make(result)
    outCount?.pointee = 1
  }
}
