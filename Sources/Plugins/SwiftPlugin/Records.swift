import CPlexusPlugin

#if canImport(Glibc)
  import Glibc
#endif

/// Why a record does not run here: the status `execute` returns and, for an error, the reason
/// handed to the host's `set_error`.
struct OpFailure: Error {
  /// `PX_PLUGIN_ERROR` or `PX_PLUGIN_UNSUPPORTED`.
  let status: Int32
  /// The reason, naming the op, what was expected and what was received (empty when the record
  /// is merely not for this plugin).
  let message: String

  /// A record this plugin does not handle: nothing is written and the host runs it on the
  /// reference backend.
  static let unsupported = OpFailure(status: PX_PLUGIN_UNSUPPORTED, message: "")

  /// A malformed record: `op` cannot run in this form on any backend.
  static func invalid(_ op: String, _ message: String) -> OpFailure {
    OpFailure(status: PX_PLUGIN_ERROR, message: "\(op): \(message)")
  }
}

/// The element types this plugin computes in, as the record's dtype code and DLPack name them.
enum ElementType: Equatable, CustomStringConvertible {
  /// IEEE 754 binary32 (`PX_DTYPE_FLOAT32`, DLPack `kDLFloat` with 32 bits).
  case float32
  /// IEEE 754 binary64 (`PX_DTYPE_FLOAT64`, DLPack `kDLFloat` with 64 bits).
  case float64

  /// The type with this `PX_DTYPE_*` code, or nil for any other dtype.
  init?(code: Int32) {
    // The ids are a C enum, which imports with UInt32 raw values; the record's field is int32_t.
    switch UInt32(bitPattern: code) {
    case PX_DTYPE_FLOAT32.rawValue: self = .float32
    case PX_DTYPE_FLOAT64.rawValue: self = .float64
    default: return nil
    }
  }

  /// The type a DLPack dtype describes, or nil unless it is a one-lane 32- or 64-bit float.
  init?(_ dtype: DLDataType) {
    guard UInt32(dtype.code) == kDLFloat.rawValue, dtype.lanes == 1 else { return nil }
    switch dtype.bits {
    case 32: self = .float32
    case 64: self = .float64
    default: return nil
    }
  }

  /// The bytes one element takes.
  var byteSize: Int {
    switch self {
    case .float32: MemoryLayout<Float>.size
    case .float64: MemoryLayout<Double>.size
    }
  }

  /// The dtype's name as Plexus spells it (`"float32"`).
  var description: String {
    switch self {
    case .float32: "float32"
    case .float64: "float64"
    }
  }
}

/// The Swift types the kernels are generic over, with the few libm functions they call.
protocol FloatElement: BinaryFloatingPoint {
  /// The element type that stores values of this Swift type.
  static var elementType: ElementType { get }
  /// The sum of `count` contiguous elements at `p`, added in the reference backend's order
  /// (Reduce.swift implements it for both types).
  static func sumRow(_ p: UnsafePointer<Self>, _ count: Int) -> Self
  /// `e` raised to `x`.
  static func exp(_ x: Self) -> Self
  /// The hyperbolic tangent of `x`.
  static func tanh(_ x: Self) -> Self
}

extension Float: FloatElement {
  /// float32.
  static var elementType: ElementType { .float32 }
  /// `expf`.
  @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
  /// `tanhf`.
  @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
}

extension Double: FloatElement {
  /// float64.
  static var elementType: ElementType { .float64 }
  /// libm's `exp`.
  @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  /// libm's `tanh`.
  @inline(__always) static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
}

/// `[2, 3]`: a shape as messages show it.
func describe(_ shape: [Int]) -> String {
  "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// One `DLTensor` of a record, checked: a float dtype on the CPU, a row-major contiguous layout
/// (no strides, no byte offset), non-negative sizes whose element and byte counts fit in `Int`,
/// and, when it holds elements, a non-NULL data pointer aligned for its element type.
struct TensorView {
  /// The most axes a view may have; more is left to the reference backend.
  static let maximumRank = 64

  /// What the op calls this tensor in messages (`"input 1 (b)"`).
  let role: String
  /// The element type.
  let type: ElementType
  /// The sizes of the axes, outermost first.
  let shape: [Int]
  /// The number of elements: the product of `shape`.
  let count: Int
  /// The bytes the elements take.
  let byteCount: Int
  /// The first element; nil only when `count` is 0.
  private let base: UnsafeMutableRawPointer?

  /// Checks `tensor`, which `op` calls `role`, and reads its shape.
  init(_ tensor: DLTensor, role: String, op: String) throws(OpFailure) {
    self.role = role
    guard tensor.device.device_type == kDLCPU else {
      throw .invalid(
        op,
        "\(role) is on DLPack device type \(tensor.device.device_type.rawValue); expected kDLCPU "
          + "(\(kDLCPU.rawValue))")
    }
    guard let type = ElementType(tensor.dtype) else {
      let dtype = tensor.dtype
      throw .invalid(
        op,
        "\(role) has DLPack dtype (code \(dtype.code), bits \(dtype.bits), lanes \(dtype.lanes)); "
          + "expected float32 or float64")
    }
    self.type = type
    guard tensor.ndim >= 0 else {
      throw .invalid(op, "\(role) has rank \(tensor.ndim); expected a rank of 0 or more")
    }
    guard tensor.ndim <= Self.maximumRank else { throw .unsupported }
    guard tensor.strides == nil else {
      throw .invalid(op, "\(role) has strides; expected NULL strides (row-major, contiguous)")
    }
    guard tensor.byte_offset == 0 else {
      throw .invalid(op, "\(role) has byte_offset \(tensor.byte_offset); expected 0")
    }
    let rank = Int(tensor.ndim)
    var shape: [Int] = []
    if rank > 0 {
      guard let sizes = tensor.shape else {
        throw .invalid(op, "\(role) has rank \(rank) but a NULL shape")
      }
      shape.reserveCapacity(rank)
      for axis in 0..<rank { shape.append(Int(truncatingIfNeeded: sizes[axis])) }
    }
    self.shape = shape
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw .invalid(op, "\(role) has shape \(describe(shape)); expected sizes of 0 or more")
    }
    var count = 1
    var overflows = false
    for size in shape where !overflows {
      (count, overflows) = count.multipliedReportingOverflow(by: size)
    }
    let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: type.byteSize)
    // An empty axis makes the tensor empty however large the others are.
    if shape.contains(0) {
      (self.count, self.byteCount) = (0, 0)
    } else if overflows || byteOverflow {
      throw .invalid(op, "\(role) has shape \(describe(shape)), more bytes than memory can hold")
    } else {
      (self.count, self.byteCount) = (count, byteCount)
    }
    guard self.count > 0 else {
      base = nil
      return
    }
    guard let data = tensor.data else {
      throw .invalid(
        op, "\(role) has a NULL data pointer; expected \(self.count) elements of \(type)")
    }
    guard Int(bitPattern: data) % type.byteSize == 0 else {
      throw .invalid(
        op, "\(role) has data at \(data), not aligned to its \(type.byteSize)-byte elements")
    }
    base = data
  }

  /// The elements as `T`. Throws unless `T` is the view's element type and the view holds
  /// elements.
  func elements<T: FloatElement>(_: T.Type, op: String) throws(OpFailure)
    -> UnsafeMutablePointer<T>
  {
    guard T.elementType == type, let base else {
      throw .invalid(op, "\(role) holds \(count) elements of \(type), not \(T.elementType)")
    }
    return base.assumingMemoryBound(to: T.self)
  }

  /// Whether the bytes of the two views overlap.
  func overlaps(_ other: TensorView) -> Bool {
    guard let base, let otherBase = other.base else { return false }
    let start = UInt(bitPattern: base)
    let otherStart = UInt(bitPattern: otherBase)
    // Both ranges lie in the address space, so neither end overflows.
    return start < otherStart &+ UInt(other.byteCount) && otherStart < start &+ UInt(byteCount)
  }
}

/// One `px_plugin_op`, checked before anything in it is read: its size, and non-NULL arrays for
/// its inputs, outputs and attributes wherever their counts are not zero.
struct OpRecordView {
  /// The op's name, for messages (`"matmul"`).
  let name: String
  /// The record, copied.
  private let record: px_plugin_op

  /// Reads the record at `pointer`, whose op `name` names.
  init(_ pointer: UnsafePointer<px_plugin_op>, name: String) throws(OpFailure) {
    self.name = name
    // struct_size comes first in every version of the record: read it alone.
    let size = UnsafeRawPointer(pointer).load(as: UInt32.self)
    guard Int(size) >= MemoryLayout<px_plugin_op>.size else {
      throw .invalid(
        name,
        "the record's struct_size is \(size); expected at least \(MemoryLayout<px_plugin_op>.size)")
    }
    record = pointer.pointee
    guard record.input_count == 0 || record.inputs != nil else {
      throw .invalid(name, "the record has \(record.input_count) inputs but a NULL inputs array")
    }
    guard record.output_count == 0 || record.outputs != nil else {
      throw .invalid(
        name, "the record has \(record.output_count) outputs but a NULL outputs array")
    }
    guard record.attribute_count == 0 || record.attributes != nil else {
      throw .invalid(
        name, "the record has \(record.attribute_count) attributes but a NULL attributes array")
    }
  }

  /// The element type the record runs in; unsupported unless float32 or float64.
  func elementType() throws(OpFailure) -> ElementType {
    guard let type = ElementType(code: record.dtype) else { throw .unsupported }
    return type
  }

  /// Throws unless the record has exactly `inputs` inputs and `outputs` outputs.
  func requireCounts(inputs: Int, outputs: Int) throws(OpFailure) {
    guard record.input_count == inputs, record.output_count == outputs else {
      throw .invalid(
        name,
        "expected \(Self.count(inputs, "input")) and \(Self.count(outputs, "output")), received "
          + "\(Self.count(record.input_count, "input")) and "
          + "\(Self.count(record.output_count, "output"))")
    }
  }

  /// The rank of input `index`, or nil when the record has no such input.
  func rank(ofInput index: Int) -> Int? {
    guard index >= 0, index < record.input_count, let inputs = record.inputs else { return nil }
    return Int(inputs[index].ndim)
  }

  /// The rank of output `index`, or nil when the record has no such output.
  func rank(ofOutput index: Int) -> Int? {
    guard index >= 0, index < record.output_count, let outputs = record.outputs else {
      return nil
    }
    return Int(outputs[index].ndim)
  }

  /// Input `index`, which the op calls `label`, checked to hold elements of `type`.
  func input(_ index: Int, _ label: String, _ type: ElementType) throws(OpFailure) -> TensorView {
    guard index >= 0, index < record.input_count, let inputs = record.inputs else {
      throw .invalid(name, "needs input \(index) (\(label)); the record has \(record.input_count)")
    }
    return try typed(inputs[index], role: "input \(index) (\(label))", type)
  }

  /// Output `index`, checked to hold elements of `type`.
  func output(_ index: Int, _ type: ElementType) throws(OpFailure) -> TensorView {
    guard index >= 0, index < record.output_count, let outputs = record.outputs else {
      throw .invalid(name, "needs output \(index); the record has \(record.output_count)")
    }
    return try typed(outputs[index], role: "output \(index)", type)
  }

  /// Throws when `output` shares bytes with any of `inputs` (the ABI says outputs alias no input).
  func requireDisjoint(_ output: TensorView, from inputs: [TensorView]) throws(OpFailure) {
    for input in inputs where output.overlaps(input) {
      throw .invalid(name, "\(output.role) overlaps \(input.role); expected separate memory")
    }
  }

  /// The boolean attribute `attribute` (`PX_ATTR_*`), which the op calls `label`, or
  /// `defaultValue` when the record does not carry it.
  func bool(_ attribute: px_attribute_id, _ label: String, default defaultValue: Bool)
    throws(OpFailure)
    -> Bool
  {
    guard let value = self.attribute(attribute) else { return defaultValue }
    guard value.type == PX_PLUGIN_VALUE_BOOL, value.int_value == 0 || value.int_value == 1 else {
      throw .invalid(
        name,
        "attribute \(label) must be a bool (0 or 1); received \(Self.kind(value.type))"
          + (value.type == PX_PLUGIN_VALUE_BOOL || value.type == PX_PLUGIN_VALUE_INT
            ? " \(value.int_value)" : ""))
    }
    return value.int_value == 1
  }

  /// The integer-list attribute `attribute` (`PX_ATTR_*`), which the op calls
  /// `label`, or nil when the record does not carry it. Throws when it holds more than
  /// `maximumCount` integers (which are then not read) or is of another type.
  func ints(_ attribute: px_attribute_id, _ label: String, maximumCount: Int) throws(OpFailure)
    -> [Int]?
  {
    guard let value = self.attribute(attribute) else { return nil }
    guard value.type == PX_PLUGIN_VALUE_INTS else {
      throw .invalid(
        name, "attribute \(label) must be a list of integers; received \(Self.kind(value.type))")
    }
    guard value.int_count <= maximumCount else {
      throw .invalid(
        name,
        "attribute \(label) holds \(value.int_count) integers; expected at most \(maximumCount)")
    }
    guard value.int_count > 0 else { return [] }
    guard let integers = value.ints else {
      throw .invalid(name, "attribute \(label) holds \(value.int_count) integers at NULL")
    }
    return (0..<value.int_count).map { Int(truncatingIfNeeded: integers[$0]) }
  }

  /// The first attribute named `attribute`, or nil.
  private func attribute(_ attribute: px_attribute_id) -> px_plugin_attribute? {
    guard record.attributes != nil else { return nil }
    // Stepping by the host's attribute_size (px_plugin_attribute_at), not this header's size.
    return withUnsafePointer(to: record) { op in
      for index in 0..<record.attribute_count {
        let candidate = px_plugin_attribute_at(op, index).pointee
        if candidate.name == attribute.rawValue { return candidate }
      }
      return nil
    }
  }

  /// `tensor` checked, and checked to hold elements of `type`.
  private func typed(_ tensor: DLTensor, role: String, _ type: ElementType) throws(OpFailure)
    -> TensorView
  {
    let view = try TensorView(tensor, role: role, op: name)
    guard view.type == type else {
      throw .invalid(name, "\(role) is \(view.type); expected \(type), the record's dtype")
    }
    return view
  }

  /// What an attribute of this type (`PX_PLUGIN_VALUE_*`) holds, for messages.
  private static func kind(_ type: Int32) -> String {
    switch type {
    case PX_PLUGIN_VALUE_INT: "an integer"
    case PX_PLUGIN_VALUE_INTS: "a list of integers"
    case PX_PLUGIN_VALUE_DOUBLE: "a double"
    case PX_PLUGIN_VALUE_BOOL: "a bool"
    case PX_PLUGIN_VALUE_DTYPE: "a dtype"
    default: "a value of unknown type \(type)"
    }
  }

  /// `"2 inputs"`, `"1 output"`.
  private static func count(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
  }
}
