import Foundation
import PlexusOneDNN
import PlexusOpenBLAS
import PlexusReference

/// The bootstrap: the one file that names the built-in backends.
enum BuiltinBackends {
  /// Registers the reference backend (as the fallback), OpenBLAS and oneDNN, then the plugins
  /// `PLEXUS_PLUGINS` names, unless a fallback is already registered; returns the backend to select by default, if it registered: oneDNN,
  /// which runs the most of an op record's families itself (products, elementwise, reductions,
  /// softmax, convolution, pooling) and passes the whole test suite as the default.
  /// `PLEXUS_ONEDNN_WINOGRAD=0` keeps the registered oneDNN backend off its Winograd
  /// convolutions (``OneDNNBackend/usesWinograd``), for results closest to a direct sum.
  static let winogradVariable = "PLEXUS_ONEDNN_WINOGRAD"

  static func registerIfNeeded(in registry: BackendRegistry) -> (any Backend)? {
    guard registry.fallback == nil else { return nil }
    let oneDNN = OneDNNBackend(
      smallOpsOnHostBelow: OneDNNBackend.smallOpsOnHostBelow, keepsReorderedFilters: true,
      usesWinograd: ProcessInfo.processInfo.environment[winogradVariable] != "0")
    try? registry.register(ReferenceBackend(), isFallback: true)
    try? registry.register(OpenBLASBackend())
    try? registry.register(oneDNN)
    if let plugins = ProcessInfo.processInfo.environment[Plugins.variable] {
      Plugins.discover(plugins, into: registry)
    }
    return oneDNN
  }
}
