import BackendProtocol

/// The workspaces of max poolings run in training (the `training` attribute: a gradient will
/// follow), kept for that gradient: it then runs oneDNN's backward pass alone, where without
/// one it runs the forward pass again first to find each window's maximum (as TensorFlow, the
/// forward pass keeps what the backward needs).
///
/// An entry is keyed by the pooled input's storage, held strongly, and the pooling's sizes:
/// tensors never change after they are made, so the input a gradient names is the one the
/// workspace was made from. The gradient takes its entry out; a workspace no gradient claims
/// is dropped when newer ones need the room.
final class PoolingWorkspaces: Sendable {
  struct Entry {
    let input: Storage
    let key: [Int]
    let workspace: Storage
    /// Each batch chunk's first byte in `workspace`.
    let offsets: [Int]

    /// The bytes the entry holds alive.
    var bytes: Int { input.byteCount + workspace.byteCount }
  }

  /// The most workspaces kept (one per pooling layer of a model waits for its gradient).
  let capacity: Int
  /// The most bytes the kept inputs and workspaces may hold together (an entry holds its
  /// input alive); a larger entry is not kept, and its gradient pools again.
  let byteBudget: Int
  private let entries = Locked<[Entry]>([])

  init(capacity: Int, byteBudget: Int = 256 << 20) {
    self.capacity = Swift.max(1, capacity)
    self.byteBudget = Swift.max(0, byteBudget)
  }

  /// Keeps `entry`, dropping the oldest while full.
  func keep(_ entry: Entry) {
    guard entry.bytes <= byteBudget else { return }
    let (capacity, byteBudget) = (capacity, byteBudget)
    entries.withLock { entries in
      entries.removeAll { $0.input === entry.input && $0.key == entry.key }
      while !entries.isEmpty,
        entries.count >= capacity || entries.reduce(entry.bytes, { $0 + $1.bytes }) > byteBudget
      {
        entries.removeFirst()
      }
      entries.append(entry)
    }
  }

  /// Takes out the workspace kept for `input` pooled with `key`'s sizes, if any.
  func take(_ input: Storage, key: [Int]) -> Entry? {
    entries.withLock { entries in
      guard let index = entries.firstIndex(where: { $0.input === input && $0.key == key }) else {
        return nil
      }
      return entries.remove(at: index)
    }
  }

  /// The number of workspaces waiting for their gradient.
  var count: Int { entries.withLock { $0.count } }
}
