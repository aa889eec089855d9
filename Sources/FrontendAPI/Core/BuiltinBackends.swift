import PlexusOpenBLAS
import PlexusReference

/// The bootstrap: the one file that names the built-in backends.
enum BuiltinBackends {
  /// The backend selected by default when nothing else is chosen.
  static let defaultName = "openblas"

  static func registerIfNeeded(in registry: BackendRegistry) {
    guard registry.fallback == nil else { return }
    try? registry.register(ReferenceBackend(), isFallback: true)
    try? registry.register(OpenBLASBackend())
  }
}
