import Foundation
import Testing

@testable import Plexus

@Suite struct TensorBoardTests {
  @Test func crc32cMatchesTheKnownVector() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    let crc = CRC32C.checksum([])
    #expect(CRC32C.masked([]) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
  }

  @Test func protobufFieldsEncodeAsTheWireFormatSays() {
    var encoder = ProtobufEncoder()
    encoder.int(2, 300)
    encoder.string(1, "hi")
    encoder.float(2, 1)
    #expect(encoder.bytes == [0x10, 0xAC, 0x02, 0x0A, 0x02, 0x68, 0x69, 0x15, 0, 0, 0x80, 0x3F])
  }

  /// The records of a TFRecord file, each checked against its CRCs.
  static func records(_ path: String) throws -> [[UInt8]] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var records: [[UInt8]] = []
    var offset = 0
    func word<T: FixedWidthInteger>(_ type: T.Type, at index: Int) -> T {
      bytes[index..<index + MemoryLayout<T>.size].reversed().reduce(0) { $0 << 8 | T($1) }
    }
    while offset < bytes.count {
      let length = Int(word(UInt64.self, at: offset))
      #expect(word(UInt32.self, at: offset + 8) == CRC32C.masked(bytes[offset..<offset + 8]))
      let data = Array(bytes[offset + 12..<offset + 12 + length])
      #expect(word(UInt32.self, at: offset + 12 + length) == CRC32C.masked(data))
      records.append(data)
      offset += 16 + length
    }
    return records
  }

  @Test func fitWritesTrainAndValidationEventFiles() throws {
    let exportDirectory = ProcessInfo.processInfo.environment["PLEXUS_TENSORBOARD_EXPORT_DIR"]
    let directory = try exportDirectory ?? CallbackFixtures.directory()
    defer { if exportDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let logDir = directory + "/logs"
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    let board = try TensorBoard(logDir: logDir, histogramFreq: 1, updateFreq: .batches(2))
    let history = try model.fit(
      x, y, batchSize: 4, epochs: 3, verbose: 0, callbacks: [board], validationSplit: 0.25)
    let manager = FileManager.default
    let trainFiles = try manager.contentsOfDirectory(atPath: logDir + "/train")
    let validationFiles = try manager.contentsOfDirectory(atPath: logDir + "/validation")
    #expect(trainFiles.count == 1 && trainFiles[0].hasPrefix("events.out.tfevents."))
    #expect(validationFiles.count == 1)
    let records = try Self.records(logDir + "/train/" + trainFiles[0])
    // The version record, the graph, 3 epochs × (3 scalars + 4 histograms), and 2 batch
    // scalars at batches 2, 4, 6 and 8 (every 2nd of 9).
    #expect(records.count == 1 + 1 + 3 * 7 + 4 * 2)
    #expect(records.first.map { String(decoding: $0.suffix(13), as: UTF8.self) } == "brain.Event:2")

    if exportDirectory != nil {
      // What scripts/tensorboard_check.py compares the event files with.
      var values: [String: [Double]] = history.history
      values["learning_rate"] = history.epoch.map { _ in Double(Float(0.05)) }
      let json = try JSONSerialization.data(
        withJSONObject: ["history": values, "epochs": history.epoch], options: [.sortedKeys])
      try json.write(to: URL(fileURLWithPath: directory + "/history.json"))
    }
  }

  @Test func rejectsBadArguments() {
    #expect(throws: PlexusError.self) { try TensorBoard(histogramFreq: -1) }
    #expect(throws: PlexusError.self) { try TensorBoard(updateFreq: .batches(0)) }
  }
}
