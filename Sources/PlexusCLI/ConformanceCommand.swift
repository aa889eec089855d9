import ArgumentParser
import Foundation
import Plexus
import PlexusConformance

/// `plexus conformance PLUGIN`: the conformance suite against a plugin (or a registered
/// backend), forward and backward, with a report per op and dtype.
struct ConformanceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance",
    abstract: "Run the conformance suite against a backend plugin or a registered backend.",
    discussion: """
      Every op and dtype the backend claims runs on seeded random inputs (size-0 and size-1 \
      axes, broadcasting, transposes, odd sizes) and is compared with the reference backend \
      (or, for the fused families, the frontend's composite), within the tolerances of \
      ConformanceTolerance; then the backward cases run through the tape where the backend runs \
      any of their ops. A pair the backend claims but whose every case it declines (supports_op) \
      is not checked, and counts as a failure. Exits with status 1 when anything fails.
      """)

  @Argument(help: "A plugin library (a path) or the name of a registered backend.")
  var backend: String

  @Option(help: "Register the plugin under this name instead of its own.")
  var name: String?

  @Flag(help: "Skip the backward half (gradients through the tape).")
  var forwardOnly = false

  @Flag(help: "List every op and dtype the backend does not claim.")
  var verbose = false

  func run() throws {
    let target = try resolve()
    guard let reference = BackendRegistry.shared.fallback else {
      throw PlexusError.invalidState(
        context: "plexus conformance", message: "no reference backend is registered")
    }
    let results = try runBackendConformance(target, against: reference)
    var failures = 0
    print("forward: each claimed op and dtype against the reference")
    for result in results where result.claimed {
      let label = "\(result.op) \(result.dtype)".padding(toLength: 44, withPad: " ", startingAt: 0)
      if result.passed && result.compared == 0 {
        failures += 1
        print("  \(label) DECLINED every case: claimed, but nothing of it was checked")
      } else if result.passed {
        print(
          "  \(label) passed  \(result.compared) cases, worst difference "
            + format(result.worstError))
      } else {
        failures += 1
        print(
          "  \(label) FAILED  worst difference \(format(result.worstError)) in \(result.worstCase)")
        for problem in result.problems.prefix(3) { print("      \(problem)") }
      }
    }
    let unclaimed = results.filter { !$0.claimed }
    reportUnclaimed(unclaimed)
    if !forwardOnly { failures += try runBackward(target.name) }
    let claimed = results.count - unclaimed.count
    let passed = results.filter { $0.passed && $0.compared > 0 }.count
    print(
      "\(target.name): \(passed) of \(claimed) claimed op-dtype pairs passed forward; "
        + "\(failures) failures in all")
    if failures > 0 { throw ExitCode(1) }
  }

  /// The backend to check: a plugin loaded from a path, else a registered name.
  private func resolve() throws -> any Backend {
    if backend.contains("/") || backend.hasSuffix(".so") {
      let plugin = try Plugins.load(path: backend, as: name)
      print(
        "plugin '\(plugin.name)' \(plugin.version) from \(plugin.path) "
          + "(plugin ABI \(plugin.abiMajor).\(plugin.abiMinor))")
      return try BackendRegistry.shared.backend(named: plugin.name)
    }
    _ = Config.availableBackends  // registers the built-ins and PLEXUS_PLUGINS
    return try BackendRegistry.shared.backend(named: backend)
  }

  private func reportUnclaimed(_ unclaimed: [ConformanceResult]) {
    let byDType = Dictionary(grouping: unclaimed, by: \.dtype)
    let total = OpCode.allCases.count
    print("not claimed (these run on the reference backend):")
    for dtype in DType.allCases {
      let ops = byDType[dtype] ?? []
      if ops.count == total {
        print("  \(dtype): every op")
      } else if verbose || ops.count <= 12 {
        print("  \(dtype): \(ops.map { "\($0.op)" }.joined(separator: " "))")
      } else {
        print("  \(dtype): \(ops.count) of \(total) ops (--verbose lists them)")
      }
    }
  }

  /// The backward cases through the tape that run any op on the backend; returns the failures.
  private func runBackward(_ backendName: String) throws -> Int {
    var exercised = 0
    let problems = try checkGradientConformance(
      backend: backendName, cases: conformanceGradientCases(), skippingUnexercised: true,
      exercised: &exercised)
    print(
      "backward: \(exercised) gradient cases ran ops on \(backendName), "
        + "\(problems.count) disagreed with the reference")
    for problem in problems { print("  FAILED  \(problem)") }
    return problems.count
  }

  private func format(_ value: Double) -> String {
    value == 0 ? "0" : String(format: "%.2e", value)
  }
}
