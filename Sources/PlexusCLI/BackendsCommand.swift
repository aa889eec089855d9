import ArgumentParser
import Plexus

/// `plexus backends`: every registered backend and what it supports.
struct BackendsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backends", abstract: "List the registered backends and what each supports.")

  func run() throws {
    for name in Config.availableBackends {
      let backend = try BackendRegistry.shared.backend(named: name)
      let marker = name == Config.backend ? " (default)" : ""
      if let plugin = Plugins.loaded.first(where: { $0.name == name }) {
        print(
          "\(name)\(marker): plugin '\(plugin.pluginName)' \(plugin.version) from \(plugin.path) "
            + "(plugin ABI \(plugin.abiMajor).\(plugin.abiMinor))")
      } else {
        print("\(name)\(marker)")
      }
      var families: [String] = []
      if backend is any SoftmaxKernels { families.append("softmax") }
      if backend is any OptimizerKernels { families.append("optimizer updates") }
      print(
        "  fused kernel families: \(families.isEmpty ? "none" : families.joined(separator: ", "))")
      let primitives = OpCode.allCases.filter { $0.family != .fused }
      for dtype in DType.allCases {
        let supported = primitives.filter { backend.supports($0, dtype) }
        guard !supported.isEmpty else { continue }
        let list =
          supported.count == primitives.count
          ? "all \(primitives.count) primitives"
          : supported.map(\.description).joined(separator: " ")
        print("  \(dtype): \(list)")
      }
      for dtype in DType.allCases {
        let fused = OpCode.allCases.filter { $0.family == .fused && backend.supports($0, dtype) }
        guard !fused.isEmpty else { continue }
        print("  \(dtype) fused ops: \(fused.map(\.description).joined(separator: " "))")
      }
    }
  }
}
