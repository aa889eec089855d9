/// The typed, named attributes of one op record (see ``AttributeName`` for which op takes
/// which). Small and ordered: most ops carry none or one, so a lookup is a short scan.
public struct OpAttributes: Sendable, Hashable, CustomStringConvertible {
  /// One named value.
  public struct Entry: Sendable, Hashable {
    /// What the value is.
    public let name: AttributeName
    /// The value.
    public let value: AttributeValue

    /// An entry naming `value`.
    public init(_ name: AttributeName, _ value: AttributeValue) {
      self.name = name
      self.value = value
    }
  }

  /// The attributes, in the order they were given.
  public private(set) var entries: [Entry]

  /// No attributes.
  public static let none = OpAttributes([])

  /// Attributes from entries; a later entry of the same name replaces an earlier one.
  public init(_ entries: [Entry]) {
    // Most records carry one or two attributes with distinct names: keep the array as given.
    if entries.count < 2 || (entries.count == 2 && entries[0].name != entries[1].name) {
      self.entries = entries
      return
    }
    var unique: [Entry] = []
    unique.reserveCapacity(entries.count)
    for entry in entries {
      if let index = unique.firstIndex(where: { $0.name == entry.name }) {
        unique[index] = entry
      } else {
        unique.append(entry)
      }
    }
    self.entries = unique
  }

  /// These attributes with `value` under `name` (replacing any earlier one).
  public func with(_ name: AttributeName, _ value: AttributeValue) -> OpAttributes {
    OpAttributes(entries + [Entry(name, value)])
  }

  /// The value of `name`, or nil.
  public subscript(_ name: AttributeName) -> AttributeValue? {
    entries.first { $0.name == name }?.value
  }

  /// Whether there are no attributes.
  public var isEmpty: Bool { entries.isEmpty }

  // MARK: Typed access for kernels

  /// The integer `name`; throws naming `op` when it is missing or of another type.
  public func int(_ name: AttributeName, of op: OpCode) throws -> Int {
    guard case .int(let value)? = self[name] else { throw missing(name, "an integer", op) }
    return value
  }

  /// The integer list `name`; throws naming `op` when it is missing or of another type.
  public func ints(_ name: AttributeName, of op: OpCode) throws -> [Int] {
    guard case .ints(let values)? = self[name] else {
      throw missing(name, "a list of integers", op)
    }
    return values
  }

  /// The double `name` (an integer is widened); throws naming `op` when missing.
  public func double(_ name: AttributeName, of op: OpCode) throws -> Double {
    switch self[name] {
    case .double(let value)?: return value
    case .int(let value)?: return Double(value)
    default: throw missing(name, "a number", op)
    }
  }

  /// The boolean `name`, or `defaultValue` when absent.
  public func bool(_ name: AttributeName, default defaultValue: Bool) -> Bool {
    guard case .bool(let value)? = self[name] else { return defaultValue }
    return value
  }

  /// The dtype `name`; throws naming `op` when missing.
  public func dtype(_ name: AttributeName, of op: OpCode) throws -> DType {
    guard case .dtype(let value)? = self[name] else { throw missing(name, "a dtype", op) }
    return value
  }

  private func missing(_ name: AttributeName, _ type: String, _ op: OpCode) -> PlexusError {
    .invalidArgument(
      context: "\(op)",
      message:
        "attribute '\(name)' must be \(type); received \(self[name].map { "\($0)" } ?? "none")")
  }

  public var description: String {
    entries.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
  }
}

extension OpAttributes: ExpressibleByDictionaryLiteral {
  /// Attributes from a literal: `[.axes: .ints([1]), .transposeA: .bool(true)]`.
  public init(dictionaryLiteral elements: (AttributeName, AttributeValue)...) {
    self.init(elements.map { Entry($0.0, $0.1) })
  }
}
