import PlexusOneDNN
import PlexusOpenBLAS
import PlexusReference

/// The bootstrap: the one file that names the built-in backends.
enum BuiltinBackends {
  /// Registers the reference backend (as the fallback), OpenBLAS and oneDNN, unless a fallback
  /// is already registered; returns the backend to select by default, if it registered: oneDNN,
  /// which runs the most of an op record's families itself (products, elementwise, reductions,
  /// softmax, convolution, pooling) and passes the whole test suite as the default.
  static func registerIfNeeded(in registry: BackendRegistry) -> (any Backend)? {
    guard registry.fallback == nil else { return nil }
    let oneDNN = OneDNNBackend(
      smallOpsOnHostBelow: OneDNNBackend.smallOpsOnHostBelow, keepsReorderedFilters: true)
    try? registry.register(ReferenceBackend(), isFallback: true)
    try? registry.register(OpenBLASBackend())
    try? registry.register(oneDNN)
    return oneDNN
  }
}
