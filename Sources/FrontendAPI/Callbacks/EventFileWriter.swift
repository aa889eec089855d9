import BackendProtocol
import Foundation

/// Writes a TensorBoard event file without TensorFlow: TFRecord records (length, masked CRC-32C
/// of the length, data, masked CRC-32C of the data) of `tensorflow.Event` protocol buffers,
/// starting with the `brain.Event:2` version record, as `tf.summary`'s writer does.
final class EventFileWriter {
  let path: String
  private let handle: FileHandle

  /// A histogram as `HistogramProto` holds it.
  struct Histogram {
    var min: Double, max: Double, count: Double, sum: Double, sumSquares: Double
    /// Each bucket's right edge, and its count.
    var limits: [Double], counts: [Double]

    /// Up to `bucketCount` equal-width buckets over the values' range (one when they are all
    /// equal), as TensorBoard's own histogram summary buckets.
    init(_ values: [Double], bucketCount: Int = 30) {
      let finite = values.filter(\.isFinite)
      let low = finite.min() ?? 0
      let high = finite.max() ?? 0
      (min, max, count) = (low, high, Double(finite.count))
      sum = finite.reduce(0, +)
      sumSquares = finite.reduce(0) { $0 + $1 * $1 }
      let width = (high - low) / Double(bucketCount)
      // One bucket when the values are equal, or their spread underflows or overflows a Double.
      guard high > low, width.isNormal, width.isFinite else {
        (limits, counts) = ([high], [Double(finite.count)])
        return
      }
      limits = (1...bucketCount).map { low + width * Double($0) }
      limits[bucketCount - 1] = high
      counts = Array(repeating: 0, count: bucketCount)
      for value in finite {
        let position = ((value - low) / width).rounded(.down)
        let bucket =
          position.isFinite ? Int(Swift.max(0, Swift.min(position, Double(bucketCount - 1)))) : 0
        counts[bucket] += 1
      }
    }
  }

  /// Creates `directory` when needed and a new event file in it, named as TensorFlow names
  /// them (`events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2`).
  init(directory: String) throws {
    let manager = FileManager.default
    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let info = ProcessInfo.processInfo
    let seconds = Int(Date().timeIntervalSince1970)
    let unique = EventFileWriter.counter.next()
    path =
      directory + "/events.out.tfevents.\(seconds).\(info.hostName).\(info.processIdentifier)"
      + ".\(unique).v2"
    guard manager.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else {
      throw PlexusError.invalidArgument(
        context: "TensorBoard", message: "cannot create the event file '\(path)'")
    }
    self.handle = handle
    try write(step: 0) { $0.string(3, "brain.Event:2") }
  }

  deinit { try? handle.close() }

  /// A scalar as `Summary.Value.simple_value`.
  func scalar(_ tag: String, _ value: Double, step: Int) throws {
    try summary(step: step) { entry in
      entry.string(1, tag)
      entry.float(2, Float(value))
    }
  }

  /// A histogram as `Summary.Value.histo`.
  func histogram(_ tag: String, _ histogram: Histogram, step: Int) throws {
    try summary(step: step) { value in
      value.string(1, tag)
      value.message(5) { proto in
        proto.double(1, histogram.min)
        proto.double(2, histogram.max)
        proto.double(3, histogram.count)
        proto.double(4, histogram.sum)
        proto.double(5, histogram.sumSquares)
        proto.packedDoubles(6, histogram.limits)
        proto.packedDoubles(7, histogram.counts)
      }
    }
  }

  /// A string tensor with a plugin's metadata, as `tf.summary.write` writes one (Keras's model
  /// config for the graph plugin's `graph_keras_model`).
  func text(_ tag: String, _ text: String, plugin: String, content: [UInt8], step: Int) throws {
    try summary(step: step) { value in
      value.string(1, tag)
      value.message(9) { metadata in
        metadata.message(1) { data in
          data.string(1, plugin)
          data.bytes(2, content)
        }
      }
      value.message(8) { tensor in
        tensor.int(1, 7)  // DT_STRING
        tensor.message(2) { _ in }  // a scalar's shape
        tensor.bytes(8, Array(text.utf8))
      }
    }
  }

  func flush() throws { try handle.synchronize() }

  func close() throws { try handle.close() }

  /// An `Event` with one `Summary.Value`.
  private func summary(step: Int, _ value: (inout ProtobufEncoder) -> Void) throws {
    try write(step: step) { event in
      event.message(5) { summary in summary.message(1, value) }
    }
  }

  /// One `Event` record: wall time, step, then what `body` adds.
  private func write(step: Int, _ body: (inout ProtobufEncoder) -> Void) throws {
    var event = ProtobufEncoder()
    event.double(1, Date().timeIntervalSince1970)
    event.int(2, Int64(step))
    body(&event)
    try handle.write(contentsOf: Data(Self.record(event.bytes)))
  }

  /// The TFRecord framing of `data`.
  static func record(_ data: [UInt8]) -> [UInt8] {
    var length: [UInt8] = []
    withUnsafeBytes(of: UInt64(data.count).littleEndian) { length.append(contentsOf: $0) }
    var result = length
    withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { result.append(contentsOf: $0) }
    result += data
    withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { result.append(contentsOf: $0) }
    return result
  }

  /// Numbers the files of one process, so that two writers in one second get two files.
  private static let counter = Counter()

  private final class Counter: Sendable {
    private let value = Locked(0)
    func next() -> Int {
      value.withLock { value in
        value += 1
        return value
      }
    }
  }
}
