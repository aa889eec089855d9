import BackendProtocol

/// Every live handle of the C ABI, by token.
///
/// A handle is not the address of an object but a token: a serial number shifted left, with its
/// ``HandleKind`` in the low bits. Tokens are never reused, so a released handle, a handle of
/// another type or any other pointer value a caller passes is found missing here and reported,
/// instead of being dereferenced. Each entry counts the caller's references (`*_retain`,
/// `*_release`); the object lives while the table or a running call holds it.
final class HandleTable: @unchecked Sendable {
  /// The process's table.
  static let shared = HandleTable()

  private final class Entry {
    let kind: HandleKind
    let object: AnyObject
    var references = 1

    init(kind: HandleKind, object: AnyObject) {
      self.kind = kind
      self.object = object
    }
  }

  private static let kindBits: UInt = 4
  private let lock = Lock()
  // Reached only inside `lock`.
  private var entries: [UInt: Entry] = [:]
  private var lastSerial: UInt = 0

  /// Stores `object` and returns its new handle, holding one reference.
  func insert(_ object: AnyObject, kind: HandleKind) -> OpaquePointer? {
    let token = lock.withLock {
      lastSerial += 1
      let token = lastSerial << Self.kindBits | kind.rawValue
      entries[token] = Entry(kind: kind, object: object)
      return token
    }
    // A serial never reaches 2⁶⁰, so the token is never 0 (never NULL).
    return OpaquePointer(bitPattern: token)
  }

  /// The object behind `handle`, which must be a live handle of `kind`; `argument` names the
  /// parameter in the message.
  func object(
    _ handle: OpaquePointer?, kind: HandleKind, argument: String, function: String
  ) throws -> AnyObject {
    guard let handle else {
      throw invalidArgument(function, "\(argument) is NULL; expected a \(kind) handle")
    }
    let token = UInt(bitPattern: Int(bitPattern: handle))
    let entry = lock.withLock { entries[token] }
    guard let entry else {
      let kindBits = token & (1 << Self.kindBits - 1)
      let looksLike = HandleKind(rawValue: kindBits).map { " (a released \($0)?)" } ?? ""
      throw invalidArgument(
        function,
        "\(argument) is not a live \(kind) handle\(looksLike): it was released, or never "
          + "came from Plexus")
    }
    guard entry.kind == kind else {
      throw invalidArgument(
        function, "\(argument) is a \(entry.kind) handle; expected a \(kind) handle")
    }
    return entry.object
  }

  /// Adds a reference to a live handle of `kind`.
  func retain(_ handle: OpaquePointer?, kind: HandleKind, function: String) throws {
    _ = try object(handle, kind: kind, argument: "handle", function: function)
    let token = UInt(bitPattern: Int(bitPattern: handle))
    try lock.withLock {
      guard let entry = entries[token] else {
        throw invalidArgument(function, "the \(kind) handle was released meanwhile")
      }
      guard entry.references < Int.max else {
        throw invalidArgument(function, "the \(kind) handle holds too many references")
      }
      entry.references += 1
    }
  }

  /// Drops a reference; the entry goes with the last one. NULL, released handles and handles
  /// of another kind are ignored (release functions return nothing to report them with).
  func release(_ handle: OpaquePointer?, kind: HandleKind) {
    guard let handle else { return }
    let token = UInt(bitPattern: Int(bitPattern: handle))
    // The object is released outside the lock: its deinit may run a caller's deleter, which
    // may call back into Plexus.
    let removed: AnyObject? = lock.withLock {
      guard let entry = entries[token], entry.kind == kind else { return nil }
      entry.references -= 1
      guard entry.references == 0 else { return nil }
      entries[token] = nil
      return entry.object
    }
    withExtendedLifetime(removed) {}
  }
}
