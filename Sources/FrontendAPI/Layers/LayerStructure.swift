import Synchronization

/// A process-wide counter of structural changes to layers (a build, a weight added, a layer
/// appended). Caches of weight lists remember the version they were made at, so one atomic
/// load tells whether they still hold: a training step reads the trainable weights every time.
enum LayerStructure {
  private static let counter = Atomic<Int>(0)

  /// The current version.
  static var version: Int { counter.load(ordering: .acquiring) }

  /// Records a structural change, invalidating every cache.
  static func changed() { counter.add(1, ordering: .releasing) }
}
