import BackendProtocol
import Foundation

/// What a ``Profiler`` saw: per-op rows and the individual events.
public struct ProfileReport: Sendable {
  /// One row per op, backend and dtype, the most expensive first.
  public let rows: [ProfileRow]
  /// The events kept for the trace, in the order they ran.
  public let events: [OpEvent]
  /// Events not kept because the trace was full (the rows still count them).
  public let droppedEvents: Int
  /// From the start of the first op to the end of the last, in nanoseconds.
  public let wallNanoseconds: UInt64

  init(rows: [ProfileRow], events: [OpEvent], droppedEvents: Int, wallNanoseconds: UInt64) {
    self.rows = rows.sorted {
      ($0.totalNanoseconds, $1.key.op.rawValue) > ($1.totalNanoseconds, $0.key.op.rawValue)
    }
    self.events = events
    self.droppedEvents = droppedEvents
    self.wallNanoseconds = wallNanoseconds
  }

  /// The time spent in backends over all ops, in nanoseconds.
  public var totalNanoseconds: UInt64 { rows.reduce(0) { $0 &+ $1.totalNanoseconds } }

  /// The number of ops run.
  public var totalCalls: Int { rows.reduce(0) { $0 + $1.calls } }

  /// The rows as an aligned text table: op, backend, dtype, calls, total and mean time, share
  /// of the total, and fallbacks; at most `limit` rows (all when nil).
  public func table(limit: Int? = nil) -> String {
    let total = Double(Swift.max(totalNanoseconds, 1))
    let shown = limit.map { Array(rows.prefix(Swift.max($0, 0))) } ?? rows
    var lines: [[String]] = [
      ["op", "backend", "dtype", "calls", "total ms", "mean µs", "share", "fallbacks"]
    ]
    for row in shown {
      lines.append([
        row.key.op.description, row.key.backend, row.key.dtype.description, "\(row.calls)",
        String(format: "%.3f", Double(row.totalNanoseconds) / 1e6),
        String(format: "%.2f", row.meanNanoseconds / 1e3),
        String(format: "%.1f%%", 100 * Double(row.totalNanoseconds) / total), "\(row.fallbacks)",
      ])
    }
    lines.append([
      "total", "", "", "\(totalCalls)", String(format: "%.3f", Double(totalNanoseconds) / 1e6),
      "", "100.0%", "\(rows.reduce(0) { $0 + $1.fallbacks })",
    ])
    let widths = (0..<lines[0].count).map { column in
      lines.map { $0[column].count }.max() ?? 0
    }
    return lines.map { cells in
      cells.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        // Text columns align left, numbers right.
        return column < 3 ? cell + padding : padding + cell
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// The events as Chrome trace JSON (the Trace Event Format's "complete" events, times in
  /// microseconds): one track per thread, the op as the name, the backend as the category,
  /// dtype, shapes, attributes and any fallback as arguments.
  public func chromeTrace() -> String {
    let origin = events.map(\.startNanoseconds).min() ?? 0
    var threads: [UInt64: Int] = [:]
    var lines: [String] = []
    lines.reserveCapacity(events.count)
    for event in events {
      let thread = threads[event.threadID] ?? (threads.count + 1)
      threads[event.threadID] = thread
      var arguments = [
        "\"dtype\":\(quoted(event.dtype.description))",
        "\"inputs\":\(quoted(event.inputShapes.map(\.description).joined(separator: " ")))",
        "\"outputs\":\(quoted(event.outputShapes.map(\.description).joined(separator: " ")))",
      ]
      if !event.attributes.isEmpty {
        arguments.append("\"attributes\":\(quoted(event.attributes.description))")
      }
      if let from = event.fallbackFrom {
        arguments.append("\"fallback_from\":\(quoted(from))")
      }
      let start = Double(event.startNanoseconds &- origin) / 1e3
      let duration = Double(event.durationNanoseconds) / 1e3
      lines.append(
        "{\"name\":\(quoted(event.op.description)),\"cat\":\(quoted(event.backend)),"
          + "\"ph\":\"X\",\"ts\":\(String(format: "%.3f", start)),"
          + "\"dur\":\(String(format: "%.3f", duration)),\"pid\":1,\"tid\":\(thread),"
          + "\"args\":{\(arguments.joined(separator: ","))}}")
    }
    for (id, thread) in threads.sorted(by: { $0.value < $1.value }) {
      lines.append(
        "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":\(thread),"
          + "\"args\":{\"name\":\"dispatch thread \(id)\"}}")
    }
    lines.append(
      "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"plexus\"}}")
    return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + lines.joined(separator: ",\n")
      + "\n]}\n"
  }

  /// Writes ``chromeTrace()`` to `path`.
  public func writeChromeTrace(to path: String) throws {
    do {
      try Data(chromeTrace().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw PlexusError.resourceUnavailable("cannot write the trace to \(path): \(error)")
    }
  }

  private func quoted(_ text: String) -> String {
    var result = ""
    ConfigValue.writeString(text, to: &result)
    return result
  }

}
