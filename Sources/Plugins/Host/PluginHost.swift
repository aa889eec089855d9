import BackendProtocol
import CPlexusPlugin
import Foundation
import Synchronization

/// What the host knows about one plugin while it serves it: its name, its options, and the
/// error each thread's last failing call set. One per loaded library, alive for the process
/// (the plugin keeps `host_data`, which points at it).
final class PluginHostContext: Sendable {
  /// The name the plugin is registered (or being loaded) under: its path until its table is read.
  var name: String {
    get { currentName.withLock { $0 } }
    set { currentName.withLock { $0 = newValue } }
  }
  private let currentName: Mutex<String>
  /// The options given at load time; the environment is consulted after them.
  let options: [String: String]
  /// Option values handed out as C strings, kept for the life of the process as the ABI says.
  private let optionStrings = Mutex<[String: UnsafeMutablePointer<CChar>]>([:])
  /// The message `set_error` left, per thread, whichever context it came through: a library
  /// loaded twice (under two names) keeps the services of its latest load, so the error of a
  /// call is the calling thread's, not the context's.
  private static let errors = Mutex<[UInt: String]>([:])
  /// How many messages `errors` holds: every op clears its thread's stale message first, and
  /// with none pending that is one atomic load, not a lock shared by every thread's ops.
  private static let pendingErrors = Atomic(0)

  init(name: String, options: [String: String]) {
    self.currentName = Mutex(name)
    self.options = options
  }

  /// Every context whose services went out, with its services table: kept for the life of the
  /// process, as the ABI promises the plugin (even one whose load failed may have kept them).
  /// (The address is kept as a number: a pointer is not `Sendable`.)
  private static let handedOut = Mutex<[(PluginHostContext, UInt)]>([])

  /// The services table handed to the plugin: allocated once, never freed.
  func makeServices() -> UnsafePointer<px_plugin_host> {
    let services = UnsafeMutablePointer<px_plugin_host>.allocate(capacity: 1)
    let address = UInt(bitPattern: services)
    defer { Self.handedOut.withLock { $0.append((self, address)) } }
    services.initialize(
      to: px_plugin_host(
        struct_size: UInt32(MemoryLayout<px_plugin_host>.size),
        abi_major: UInt32(PX_PLUGIN_ABI_VERSION_MAJOR),
        abi_minor: UInt32(PX_PLUGIN_ABI_VERSION_MINOR), reserved: 0,
        host_data: Unmanaged.passUnretained(self).toOpaque(),
        allocate: { _, size, alignment in hostAllocate(size, alignment) },
        deallocate: { _, pointer in free(pointer) },
        log: { data, level, message in
          guard let context = PluginHostContext.from(data) else { return }
          PluginLog.write(level, source: context.name, message.map { String(cString: $0) } ?? "")
        },
        set_error: { data, message in
          PluginHostContext.from(data)?.setError(message.map { String(cString: $0) } ?? "")
        },
        option: { data, key in
          guard let context = PluginHostContext.from(data), let key else { return nil }
          return context.option(String(cString: key))
        },
        thread_count: { _ in
          let setting = BackendRegistry.shared.threadCount
          return Int32(clamping: setting > 0 ? setting : WorkerPool.shared.workerCount + 1)
        },
        parallel_for: { _, count, body, context in
          guard let body, count > 0 else { return }
          WorkerPool.shared.run(Int(clamping: count)) { part in body(context, part) }
        }))
    return UnsafePointer(services)
  }

  static func from(_ data: UnsafeMutableRawPointer?) -> PluginHostContext? {
    data.map { Unmanaged<PluginHostContext>.fromOpaque($0).takeUnretainedValue() }
  }

  /// The value of option `key`: the load-time options, else `PLEXUS_PLUGIN_<NAME>_<KEY>`.
  func option(_ key: String) -> UnsafePointer<CChar>? {
    let value =
      options[key] ?? ProcessInfo.processInfo.environment[Self.variable(name, key)]
    guard let value else { return nil }
    return optionStrings.withLock { strings in
      if let existing = strings[key], String(cString: existing) == value {
        return UnsafePointer(existing)
      }
      // A changed value gets a new string; the old one stays valid, as promised.
      guard let copy = strdup(value) else { return nil }
      strings[key] = copy
      return UnsafePointer(copy)
    }
  }

  /// The environment variable that holds option `key` of plugin `name`.
  static func variable(_ name: String, _ key: String) -> String {
    let spelled = "\(name)_\(key)".uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
    return "PLEXUS_PLUGIN_" + String(spelled)
  }

  func setError(_ message: String) {
    Self.errors.withLock { errors in
      if errors.updateValue(message, forKey: threadKey()) == nil {
        Self.pendingErrors.add(1, ordering: .relaxed)
      }
    }
  }

  /// Takes the calling thread's error message, if the plugin set one.
  func takeError() -> String? {
    // Only this thread adds this thread's message, so a zero seen here cannot hide one.
    guard Self.pendingErrors.load(ordering: .relaxed) > 0 else { return nil }
    return Self.errors.withLock { errors in
      let message = errors.removeValue(forKey: threadKey())
      if message != nil { Self.pendingErrors.subtract(1, ordering: .relaxed) }
      return message
    }
  }
}

/// `allocate` of the host services: `size` bytes aligned to `alignment` (0 means 64), or NULL.
private func hostAllocate(_ size: Int, _ alignment: Int) -> UnsafeMutableRawPointer? {
  // size_t arrives as Int: a size past Int.max (an overflowed computation) reads negative.
  guard size >= 0 else { return nil }
  let alignment = alignment == 0 ? 64 : alignment
  let pointerSize = MemoryLayout<UnsafeRawPointer>.size
  guard alignment > 0, alignment & (alignment - 1) == 0 else { return nil }
  var pointer: UnsafeMutableRawPointer?
  guard posix_memalign(&pointer, max(alignment, pointerSize), max(size, 1)) == 0 else {
    return nil
  }
  return pointer
}

/// The calling thread's identity, as a dictionary key.
private func threadKey() -> UInt { UInt(pthread_self()) }
