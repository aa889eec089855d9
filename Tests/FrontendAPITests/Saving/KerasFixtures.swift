import Foundation
import Plexus

/// The fixtures `scripts/keras-fixtures.sh` writes with Keras 3 under `Tests/Fixtures/keras/`,
/// found from this file's path so that tests need neither Python nor a working directory.
enum KerasFixtures {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Saving
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/keras")

  /// The JSON text of one fixture file.
  static func text(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
  }

  /// One fixture file, parsed.
  static func value(_ name: String) throws -> ConfigValue {
    try ConfigValue(json: text(name))
  }

  /// `objects.json`: each object Keras serialized, by case key (`"layer/dense_full"`).
  static func objects() throws -> [String: ConfigValue] {
    guard let members = try value("objects.json").objectValue else {
      throw PlexusError.invalidState(context: "objects.json", message: "not an object")
    }
    return members
  }

  /// The paths where `lhs` and `rhs` differ (empty when equal), for readable failures.
  static func differences(_ lhs: ConfigValue, _ rhs: ConfigValue, path: String = "$") -> [String] {
    switch (lhs, rhs) {
    case (.object(let left), .object(let right)):
      return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
        switch (left[key], right[key]) {
        case (let l?, let r?): return differences(l, r, path: "\(path).\(key)")
        case (nil, let r?): return ["\(path).\(key): missing in Plexus, Keras has \(r)"]
        case (let l?, nil): return ["\(path).\(key): Plexus has \(l), missing in Keras"]
        case (nil, nil): return []
        }
      }
    case (.array(let left), .array(let right)) where left.count == right.count:
      return zip(left, right).enumerated().flatMap { index, pair in
        differences(pair.0, pair.1, path: "\(path)[\(index)]")
      }
    default:
      return lhs == rhs ? [] : ["\(path): Plexus \(lhs) != Keras \(rhs)"]
    }
  }
}
