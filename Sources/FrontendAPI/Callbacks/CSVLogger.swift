import Foundation

/// Writes each epoch's logs as a row of a CSV file: an `epoch` column (from 0), then the logs'
/// keys sorted, with `val_` columns added (as `NA`) when the first epoch has none; values as
/// Python writes floats, rows ending in `\r\n` as Python's `csv` module ends them.
///
/// ```swift
/// CSVLogger("training.log", separator: ",", append: false)
/// ```
/// Equivalent to `keras.callbacks.CSVLogger`.
public final class CSVLogger: Callback {
  /// Under ``DataParallel``, process 0 alone writes.
  public var runsOnChiefOnly: Bool { true }

  public weak var model: Model?
  /// The file written.
  public let filename: String
  /// The field separator.
  public let separator: String
  /// Whether to append to an existing file (without a second header) rather than replace it.
  public let append: Bool

  private var keys: [String]?
  private var writeHeader = true
  private var file: FileHandle?

  /// Creates the logger with Keras's defaults; throws for an empty separator.
  public init(_ filename: String, separator: String = ",", append: Bool = false) throws {
    guard separator.count == 1 else {
      throw PlexusError.invalidArgument(
        context: "CSVLogger",
        message: "separator must be a 1-character string, received \"\(separator)\"")
    }
    self.filename = filename
    self.separator = separator
    self.append = append
  }

  deinit { try? file?.close() }

  public func onTrainBegin(logs: [String: Double]) throws {
    try file?.close()
    file = nil
    let manager = FileManager.default
    writeHeader = true
    if append, manager.fileExists(atPath: filename) {
      let existing = try Data(contentsOf: URL(fileURLWithPath: filename))
      writeHeader = existing.isEmpty
    } else {
      guard manager.createFile(atPath: filename, contents: nil) else {
        throw PlexusError.invalidArgument(
          context: "CSVLogger", message: "cannot create '\(filename)'; check the directory exists")
      }
    }
    guard let handle = FileHandle(forWritingAtPath: filename) else {
      throw PlexusError.invalidArgument(
        context: "CSVLogger", message: "cannot open '\(filename)' for writing")
    }
    try handle.seekToEnd()
    file = handle
    keys = nil
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    var text = ""
    if keys == nil {
      var sorted = logs.keys.sorted()
      if !sorted.contains(where: { $0.hasPrefix("val_") }) && !sorted.isEmpty {
        sorted += sorted.map { "val_" + $0 }
      }
      keys = sorted
      if writeHeader { text += row(["epoch"] + sorted) }
    }
    let values = (keys ?? []).map { key in logs[key].map { "\($0)" } ?? "NA" }
    text += row(["\(epoch)"] + values)
    try file?.write(contentsOf: Data(text.utf8))
    try file?.synchronize()
  }

  public func onTrainEnd(logs: [String: Double]) throws {
    try file?.close()
    file = nil
  }

  /// One row as Python's `csv` excel dialect writes it: a field with the separator, a quote or
  /// a line break is quoted, its quotes doubled.
  private func row(_ fields: [String]) -> String {
    let quoted = fields.map { field -> String in
      guard field.contains(where: { String($0) == separator || "\"\r\n".contains($0) }) else {
        return field
      }
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return quoted.joined(separator: separator) + "\r\n"
  }
}
