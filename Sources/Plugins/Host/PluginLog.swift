import Foundation
import Synchronization

/// What plugins write through the host's `log` service: errors and warnings go to standard
/// error at once; `PLEXUS_LOG_LEVEL=info` (or `debug`) shows the rest. The latest messages are
/// also kept, so a program (or a test) can read what a plugin said.
public enum PluginLog {
  /// One message a plugin logged.
  public struct Message: Sendable, Equatable {
    /// `PX_PLUGIN_LOG_*`: 0 error, 1 warning, 2 info, 3 debug.
    public let level: Int32
    /// The plugin that wrote it (its registered name), or the loader for load errors.
    public let source: String
    /// The text.
    public let text: String
  }

  /// How many messages are kept.
  public static let capacity = 256

  private static let kept = Mutex<[Message]>([])

  /// The most verbose level printed: warnings unless `PLEXUS_LOG_LEVEL` says otherwise.
  private static let printedLevel: Int32 = {
    switch ProcessInfo.processInfo.environment["PLEXUS_LOG_LEVEL"]?.lowercased() {
    case "error": 0
    case "info": 2
    case "debug": 3
    default: 1
    }
  }()

  /// The messages kept, oldest first.
  public static var messages: [Message] { kept.withLock { $0 } }

  /// Records `text` from `source` at `level`, printing it when the level is shown.
  public static func write(_ level: Int32, source: String, _ text: String) {
    let message = Message(level: level, source: source, text: text)
    kept.withLock { messages in
      messages.append(message)
      if messages.count > capacity { messages.removeFirst(messages.count - capacity) }
    }
    guard level <= printedLevel else { return }
    let label = ["error", "warning", "info", "debug"][Int(max(0, min(level, 3)))]
    FileHandle.standardError.write(Data("plexus: \(label): \(source): \(text)\n".utf8))
  }
}
