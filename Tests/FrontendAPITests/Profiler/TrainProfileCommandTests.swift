import Foundation
import Testing

/// `plexus train --profile` on a small synthetic Fashion-MNIST: it prints the per-op table and
/// writes a Chrome trace that parses.
@Suite struct TrainProfileCommandTests {
  /// The `plexus` executable built beside the test bundle.
  private func plexusExecutable() throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map {
      $0.appendingPathComponent("plexus")
    }
    return try #require(
      candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
      "the plexus executable is built with the tests (swift build --build-tests)")
  }

  @Test func profilePrintsTheTableAndWritesATrace() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    for (prefix, count) in [("train", 64), ("t10k", 16)] {
      try directory.writeIDX(
        "\(prefix)-images-idx3-ubyte.gz", dimensions: [count, 28, 28],
        data: (0..<(count * 784)).map { UInt8(truncatingIfNeeded: $0 * 7) })
      try directory.writeIDX(
        "\(prefix)-labels-idx1-ubyte.gz", dimensions: [count],
        data: (0..<count).map { UInt8($0 % 10) })
    }
    let trace = directory.path + "/trace.json"
    let process = Process()
    process.executableURL = try plexusExecutable()
    process.arguments = [
      "train", "--profile", "--epochs", "1", "--hidden", "8", "--threads", "1", "--verbose", "0",
      "--data", directory.path, "--trace", trace,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains("Ops run during fit"))
    let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("op ") })
    #expect(header.contains("calls") && header.contains("share") && header.contains("fallbacks"))
    #expect(text.contains("adam_update"))
    #expect(text.contains("Test accuracy:"))
    let data = try Data(contentsOf: URL(fileURLWithPath: trace))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try #require(root["traceEvents"] as? [[String: Any]])
    let names = Set(events.compactMap { $0["ph"] as? String == "X" ? $0["name"] as? String : nil })
    #expect(names.isSuperset(of: ["matmul", "adam_update", "sparse_softmax_cross_entropy"]))
  }
}
