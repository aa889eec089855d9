import BackendProtocol
import Dispatch

/// The all-reduce of a data-parallel step, as host work a compiled step records: every input
/// gradient scaled by this process's share of the batch, then summed over the processes in
/// rank order, into the outputs.
///
/// Gradients go in fixed buckets in a fixed order: float32 gradients first, then float64 ones,
/// each in input order, cut into buckets of `bucketBytes`; a gradient may span buckets. Every
/// process must pass gradients of the same dtypes and shapes in the same order (the same model:
/// ``DataParallel`` checks it before training).
final class GradientAllReduce: HostCollective {
  let name: String
  private let world: MPIWorld
  private let bucketBytes: Int
  private let weight: DataParallel
  /// A fixed scale, or nil for this process's share of the step's batch, read per run.
  private let scale: Double?

  init(
    world: MPIWorld, bucketBytes: Int, weight: DataParallel, scale: Double? = nil,
    name: String = "all_reduce_gradients"
  ) {
    self.world = world
    self.bucketBytes = bucketBytes
    self.weight = weight
    self.scale = scale
    self.name = name
  }

  func run(inputs: [TensorBuffer], outputs: [TensorBuffer]) throws {
    guard inputs.count == outputs.count else {
      throw PlexusError.invalidArgument(
        context: name, message: "\(inputs.count) gradients for \(outputs.count) outputs")
    }
    for (input, output) in zip(inputs, outputs) {
      guard input.dtype == .float32 || input.dtype == .float64 else {
        throw PlexusError.unsupported(op: name, dtype: input.dtype, backend: "DataParallel")
      }
      guard input.dtype == output.dtype, input.count == output.count else {
        throw PlexusError.shapeMismatch(
          context: name, expected: "\(input.dtype)\(input.shape)",
          received: "\(output.dtype)\(output.shape)")
      }
    }
    let share = scale ?? weight.currentWeight
    let pairs = Array(zip(inputs, outputs))
    let start = DispatchTime.now().uptimeNanoseconds
    try reduce(pairs.filter { $0.0.dtype == .float32 }, as: Float.self, scale: Float(share))
    try reduce(pairs.filter { $0.0.dtype == .float64 }, as: Double.self, scale: share)
    if scale == nil {
      weight.countAllReduce(nanoseconds: DispatchTime.now().uptimeNanoseconds &- start)
    }
  }

  /// Streams the pairs' elements through one bucket: scaled into it, summed across the
  /// processes when full (and at the end), copied out to the outputs.
  private func reduce<Element: BinaryFloatingPoint>(
    _ pairs: [(TensorBuffer, TensorBuffer)], as type: Element.Type, scale: Element
  ) throws {
    let total = pairs.reduce(0) { $0 + $1.0.count }
    guard total > 0 else { return }
    let capacity = Swift.max(1, Swift.min(total, bucketBytes / MemoryLayout<Element>.stride))
    // Owned by MPI's buffer type: a failed collective keeps it alive for MPI.
    let bucket = MPIBuffer<Element>(capacity)
    // Where each bucket element goes: (pair, element offset), filled as the bucket is.
    var pending: [(pair: Int, start: Int, count: Int, at: Int)] = []
    var filled = 0
    func flush() throws {
      guard filled > 0 else { return }
      try world.sumInRankOrder(bucket, count: filled)
      for span in pending {
        let out = pairs[span.pair].1.pointer(Element.self)
        for index in 0..<span.count { out[span.start + index] = bucket[span.at + index] }
      }
      pending.removeAll(keepingCapacity: true)
      filled = 0
    }
    for (index, (input, _)) in pairs.enumerated() {
      let values = input.pointer(Element.self)
      var start = 0
      while start < input.count {
        let count = Swift.min(input.count - start, capacity - filled)
        if scale == 1 {
          for offset in 0..<count { bucket[filled + offset] = values[start + offset] }
        } else {
          for offset in 0..<count { bucket[filled + offset] = values[start + offset] * scale }
        }
        pending.append((index, start, count, filled))
        filled += count
        start += count
        if filled == capacity { try flush() }
      }
    }
    try flush()
  }
}
