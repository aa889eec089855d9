import Foundation
import Plexus
import Synchronization
import Testing

/// The test plugins of `Tests/PluginsTests/Plugins/*.c`, each compiled once per test process
/// with the system C compiler into a temporary directory, and the plugins the package builds
/// (`libpx_blis.so`, `libpx_swift.so`), found beside the test binary.
enum TestPlugins {
  /// The repository root, from this file's path: Tests/PluginsTests/Support/<this file>.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  private static let directory: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("plexus-test-plugins-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  private static let compiled = Mutex<[String: String]>([:])

  /// The path of test plugin `name` (`Plugins/<name>.c`), compiled on first use. Tests run
  /// in parallel: two that miss at once each compile a file of their own (one shared file
  /// would be rewritten by the second compiler while the first test loads it, "file too
  /// short"), and the first path stored is the one every caller gets.
  static func path(_ name: String) throws -> String {
    if let done = compiled.withLock({ $0[name] }) { return done }
    let output = try freshCopy(name)
    return compiled.withLock { paths in
      if let first = paths[name] { return first }
      paths[name] = output
      return output
    }
  }

  /// Compiles one C file into a shared library, warnings as errors, against `include/` only.
  static func compile(_ source: String, to output: String) throws {
    let compiler = Process()
    compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    compiler.arguments = [
      "cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
      "-fvisibility=hidden", "-I", root.appendingPathComponent("include").path, source, "-o",
      output,
    ]
    try compiler.run()
    compiler.waitUntilExit()
    try #require(compiler.terminationStatus == 0, "cc failed to build \(source)")
  }

  /// The directory of the running test binary, where `swift build` puts the package's
  /// dynamic libraries.
  static var buildDirectory: URL {
    let executable =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
    // On Linux the test binary sits in the build directory itself; step out of a bundle.
    while url.pathExtension == "xctest" || url.lastPathComponent == "MacOS"
      || url.lastPathComponent == "Contents"
    {
      url.deleteLastPathComponent()
    }
    return url
  }

  /// The path of product `library` (`px_blis`) of this package's build.
  static func built(_ library: String) throws -> String {
    let path = buildDirectory.appendingPathComponent("lib\(library).so").path
    try #require(
      FileManager.default.fileExists(atPath: path),
      "\(path) is missing: `swift build` builds it (the \(library) product)")
    return path
  }

  /// Test plugin `name` compiled into a library file of its own: a library the process has not
  /// loaded yet (a library loaded again shares its first load's context).
  static func freshCopy(_ name: String) throws -> String {
    let source = root.appendingPathComponent("Tests/PluginsTests/Plugins/\(name).c").path
    let output = directory.appendingPathComponent(
      "libpx_\(name)-\(UUID().uuidString.prefix(8)).so"
    ).path
    try compile(source, to: output)
    return output
  }

  /// Loads test plugin `name` under a name of its own (tests run in parallel and every loaded
  /// plugin stays registered), returning that name.
  static func load(_ name: String, options: [String: String] = [:]) throws -> String {
    let unique = "\(name)-\(UUID().uuidString.prefix(8))"
    try Plugins.load(path: try path(name), as: unique, options: options)
    return unique
  }
}

extension TestPlugins {
  /// Compiles `source`, a whole plugin after `#include <plexus_plugin.h>`, into a library
  /// named after `name`; returns its path.
  static func compileInline(_ name: String, _ source: String) throws -> String {
    let unique = "\(name)-\(UUID().uuidString.prefix(8))"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(unique).c")
    try ("#include <plexus_plugin.h>\n" + source).write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("libpx_\(unique).so")
    try compile(file.path, to: output.path)
    return output.path
  }
}
