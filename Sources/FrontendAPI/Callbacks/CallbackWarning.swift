import Foundation

/// Writes a warning line to standard error where Keras calls `warnings.warn`, in the format of
/// the plugin host's log (`plexus: warning: ReduceLROnPlateau: …`).
enum CallbackWarning {
  static func write(_ source: String, _ text: String) {
    FileHandle.standardError.write(Data("plexus: warning: \(source): \(text)\n".utf8))
  }
}
