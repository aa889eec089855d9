import PlexusOneDNN
import PlexusOpenBLAS
import PlexusReference

/// The bootstrap: the one file that names the built-in backends.
enum BuiltinBackends {
  /// Registers the reference backend (as the fallback), OpenBLAS and oneDNN, unless a fallback
  /// is already registered; returns the backend to select by default, if it registered.
  static func registerIfNeeded(in registry: BackendRegistry) -> (any Backend)? {
    guard registry.fallback == nil else { return nil }
    let openBLAS = OpenBLASBackend()
    let oneDNN = OneDNNBackend()
    try? registry.register(ReferenceBackend(), isFallback: true)
    try? registry.register(openBLAS)
    try? registry.register(oneDNN)
    return oneDNN
  }
}
