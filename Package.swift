// swift-tools-version:6.0
// Plexus: a Keras-shaped deep-learning framework over interchangeable backends.
//
// Tuning flags (-target-cpu, -D PX_FMA) are passed by the build commands in the
// README and scripts/, never here, so that this package stays usable as a dependency.
import PackageDescription

let package = Package(
  name: "Plexus",
  products: [
    .library(name: "Plexus", targets: ["Plexus"]),
    .library(name: "BackendProtocol", targets: ["BackendProtocol"]),
    .library(name: "plexus_c", type: .dynamic, targets: ["PlexusCABI"]),
    // Backend plugins, loaded at run time (`PLEXUS_PLUGINS`, `Plugins.load(path:)`): one over
    // BLIS, in C, and one in Swift that reaches the host only through the C tables.
    .library(name: "px_blis", type: .dynamic, targets: ["PlexusBLISPlugin"]),
    .library(name: "px_swift", type: .dynamic, targets: ["PxSwiftPlugin"]),
    .executable(name: "plexus", targets: ["PlexusCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: The contract every backend implements
    .target(name: "BackendProtocol", path: "Sources/BackendProtocol"),

    // MARK: Built-in backends, one folder each
    .target(
      name: "PlexusReference", dependencies: ["BackendProtocol"],
      path: "Sources/Backends/Reference"),
    .systemLibrary(
      name: "CBLAS", path: "Sources/Backends/CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .target(
      name: "PlexusOpenBLAS", dependencies: ["BackendProtocol", "CBLAS"],
      path: "Sources/Backends/OpenBLAS"),
    // oneDNN ships no pkg-config file: the modulemap links libdnnl (and libgomp, its OpenMP).
    .systemLibrary(
      name: "CDNNL", path: "Sources/Backends/CDNNL", providers: [.apt(["libdnnl-dev"])]),
    .target(name: "CPlexusKernels", path: "Sources/Backends/CKernels"),
    .target(
      name: "PlexusOneDNN",
      dependencies: ["BackendProtocol", "CDNNL", "PlexusReference", "CPlexusKernels"],
      path: "Sources/Backends/OneDNN"),

    // MARK: The Keras-shaped frontend
    .systemLibrary(
      name: "CZlib", path: "Sources/System/CZlib", providers: [.apt(["zlib1g-dev"])]),
    // `.keras` files: a zip (libzip) holding an HDF5 file (libhdf5, serial flavour).
    .systemLibrary(
      name: "CHDF5", path: "Sources/System/CHDF5", pkgConfig: "hdf5",
      providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
      name: "CZip", path: "Sources/System/CZip", pkgConfig: "libzip",
      providers: [.apt(["libzip-dev"])]),
    .target(
      name: "Plexus",
      dependencies: [
        "BackendProtocol", "PlexusReference", "PlexusOpenBLAS", "PlexusOneDNN", "PlexusPlugins",
        "CZlib", "CHDF5", "CZip",
      ],
      path: "Sources/FrontendAPI"),

    // MARK: Plugins, the C ABI and the command line
    .systemLibrary(name: "CPlexusPlugin", path: "include/plugin"),
    .target(
      name: "PlexusPlugins", dependencies: ["BackendProtocol", "CPlexusPlugin"],
      path: "Sources/Plugins/Host"),
    .target(
      name: "PlexusBLISPlugin", path: "Sources/Plugins/BLIS", exclude: ["shim"],
      cSettings: [.headerSearchPath("shim")],
      linkerSettings: [.linkedLibrary("blis"), .linkedLibrary("m")]),
    .target(
      name: "PxSwiftPlugin", dependencies: ["CPlexusPlugin"], path: "Sources/Plugins/SwiftPlugin"),
    .target(
      name: "PlexusConformance", dependencies: ["Plexus", "BackendProtocol"],
      path: "Sources/Plugins/Conformance"),
    .target(name: "CPlexusSupport", path: "Sources/CABI/Support"),
    .target(
      name: "PlexusCABI", dependencies: ["Plexus", "BackendProtocol", "CPlexusSupport"],
      path: "Sources/CABI", exclude: ["Support", "README.md"]),
    .executableTarget(
      name: "PlexusCLI",
      dependencies: [
        "Plexus", "PlexusConformance",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/PlexusCLI"),

    // MARK: Tests
    .target(
      name: "PlexusTestSupport", dependencies: ["Plexus", "BackendProtocol", "PlexusConformance"],
      path: "Tests/PlexusTestSupport"),
    .testTarget(
      name: "BackendProtocolTests", dependencies: ["BackendProtocol"],
      path: "Tests/BackendProtocolTests"),
    .testTarget(
      name: "BackendsTests",
      dependencies: [
        "PlexusReference", "PlexusOpenBLAS", "PlexusOneDNN", "PlexusTestSupport", "BackendProtocol",
        "Plexus",
      ],
      path: "Tests/BackendsTests"),
    .testTarget(
      name: "FrontendAPITests",
      dependencies: ["Plexus", "PlexusTestSupport", "CZlib", "PlexusOneDNN", "PlexusReference"],
      path: "Tests/FrontendAPITests"),
    .testTarget(
      name: "PluginsTests",
      dependencies: ["PlexusPlugins", "BackendProtocol", "Plexus", "PlexusTestSupport"],
      path: "Tests/PluginsTests", exclude: ["Plugins"]),
  ]
)
