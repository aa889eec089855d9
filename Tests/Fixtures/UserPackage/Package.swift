// swift-tools-version:6.0
// A user's package: subclasses of Layer and Model, built by scripts/test.sh with
// -warnings-as-errors in the Swift 6 language mode, to prove that Plexus asks nothing of
// subclasses (no "must restate inherited '@unchecked Sendable' conformance").
import PackageDescription

let package = Package(
  name: "UserPackage",
  dependencies: [.package(name: "Plexus", path: "../../..")],
  targets: [
    .target(name: "UserModels", dependencies: [.product(name: "Plexus", package: "Plexus")])
  ]
)
