import Foundation
import Testing

/// `plexus conformance` and `PLEXUS_PLUGINS`, run as a user runs them: the command-line tool the
/// package builds, in a process of its own.
@Suite struct ConformanceCommandTests {
  /// Runs the `plexus` tool with `arguments` and `environment` added; returns its status and
  /// its output (standard output and error together).
  private func plexus(_ arguments: [String], environment: [String: String] = [:]) throws
    -> (Int32, String)
  {
    let tool = TestPlugins.buildDirectory.appendingPathComponent("plexus")
    try #require(
      FileManager.default.isExecutableFile(atPath: tool.path), "swift build builds plexus")
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  @Test func passesOnTheBLISPluginAndSaysWhatItDoesNotClaim() throws {
    let (status, output) = try plexus(["conformance", try TestPlugins.built("px_blis")])
    #expect(status == 0, "\(output)")
    #expect(output.contains("plugin 'blis' 1.0.0"))
    #expect(output.contains("matmul float32") && output.contains("dense float64"))
    #expect(output.contains("not claimed"))
    #expect(output.contains("int32: every op"))
    #expect(output.contains("backward:") && output.contains("0 disagreed"))
    #expect(!output.contains("FAILED"))
  }

  /// The article "Writing a backend plugin" ends with its whole plugin: it builds with the
  /// installed headers alone and passes the conformance suite, as the article says.
  @Test func theArticlesPluginBuildsAndPassesConformance() throws {
    let article = try String(
      contentsOf: TestPlugins.root.appendingPathComponent(
        "Sources/Plugins/Host/Plugins.docc/WritingABackendPlugin.md"), encoding: .utf8)
    let whole = try #require(article.range(of: "## The whole file"))
    let rest = article[whole.upperBound...]
    let start = try #require(rest.range(of: "```c\n"))
    let end = try #require(rest[start.upperBound...].range(of: "```"))
    let directory = FileManager.default.temporaryDirectory
    let source = directory.appendingPathComponent("article-\(UUID().uuidString.prefix(8)).c")
    try String(rest[start.upperBound..<end.lowerBound]).write(
      to: source, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: source) }
    let library = directory.appendingPathComponent(
      "libpx_article-\(UUID().uuidString.prefix(8)).so")
    try TestPlugins.compile(source.path, to: library.path)
    let (status, output) = try plexus(["conformance", library.path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("negate float32") && output.contains("passed"))
  }

  @Test func failsWithAReportOnAPluginThatDoesNotConform() throws {
    let (status, output) = try plexus(["conformance", try TestPlugins.path("lying")])
    #expect(status == 1, "\(output)")
    #expect(output.contains("add float32") && output.contains("FAILED"))
    #expect(output.contains("claims the op but answered unsupported"))
    #expect(output.contains("lying: multiply failed on purpose"))
  }

  @Test func pluginsNamedInTheEnvironmentLoadAtStartAndBrokenOnesAreReported() throws {
    let good = try TestPlugins.built("px_swift")
    let broken = try TestPlugins.path("failing_init")
    let (status, output) = try plexus(
      ["backends"],
      environment: [
        "PLEXUS_PLUGINS": "mine:\(good), gone:/nonexistent/libpx_gone.so,bad:\(broken),junk"
      ])
    #expect(status == 0, "\(output)")
    #expect(output.contains("mine: plugin 'swift' 1.0.0 from \(good)"), "\(output)")
    #expect(output.contains("backend 'gone' did not load") && output.contains("libpx_gone.so"))
    #expect(output.contains("backend 'bad' did not load") && output.contains("not present"))
    #expect(output.contains("'junk' is not name:path"))
    // Asking for a backend that failed to load is the error, with the reason.
    let (trainStatus, trainOutput) = try plexus(
      ["train", "--backend", "gone", "--epochs", "1"],
      environment: ["PLEXUS_PLUGINS": "gone:/nonexistent/libpx_gone.so"])
    #expect(trainStatus != 0)
    #expect(trainOutput.contains("backend 'gone' is not available"), "\(trainOutput)")
  }
}
