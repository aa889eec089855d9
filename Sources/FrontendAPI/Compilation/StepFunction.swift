import BackendProtocol
import Foundation

/// A step run by capture and replay: per signature (the inputs' dtypes and shapes and which of
/// them share memory, the backend, the variables' structure) a warm-up call
/// runs eagerly, the next call records while it executes, and later calls replay the plan.
///
/// At most ``capacity`` signatures are kept (the least recently used is dropped); a call whose
/// signature matches none after the first is a retrace, logged with what changed (an error
/// under ``Config/setStrictCompilation(_:)``).
///
/// `@unchecked Sendable`: the cache is touched only under `lock`; `name` is set by the owner's
/// initializer before the function is shared.
final class StepFunction: @unchecked Sendable {
  /// What a replay must match.
  struct Signature: Hashable {
    /// Per input: dtype, rank, then the dimensions.
    var inputs: [Int]
    /// Per input: the first input sharing its memory.
    var aliases: [Int]
    var backend: ObjectIdentifier?
    var structure: [Int]
  }

  enum State {
    case warmUp
    case capture
    case capturing
    case plan(StepPlan, aux: Any?)
    case refused(String)
  }

  struct Entry {
    let signature: Signature
    var state: State
    var lastUse: UInt64

    /// Whether this signature got past its warm-up (a capture has been tried).
    var hasTraced: Bool {
      if case .capture = state { return attempted }
      return true
    }
    /// Whether a capture of this signature was attempted (and retried).
    var attempted = false
  }

  /// Names the step in logs and errors ("Model 'mlp' train step"); set by its owner's
  /// initializer, before any call.
  var name: String
  let capacity: Int
  private struct Cache {
    var entries: [Entry] = []
    var clock: UInt64 = 0
    var statistics = CompilationStatistics()
  }
  private let lock = Lock()
  private var state = Cache()
  /// Runs `body` on the cache under the lock.
  private func withCache<R>(_ body: (inout Cache) throws -> R) rethrows -> R {
    try lock.withLock { try body(&state) }
  }

  /// Strict compilation for this task, overriding the process setting.
  @TaskLocal static var strictOverride: Bool?

  /// The patterns a capture fuses before it replays (``Fusion``).
  let fusion: Fusion

  init(name: String, capacity: Int = 8, fusion: Fusion = .exact) {
    self.name = name
    self.capacity = capacity
    self.fusion = fusion
  }

  var statistics: CompilationStatistics { withCache { $0.statistics } }

  /// The plans kept, most recent last.
  var plans: [StepPlan] {
    withCache { cache in
      cache.entries.sorted { $0.lastUse < $1.lastUse }.compactMap {
        if case .plan(let plan, _) = $0.state { return plan }
        return nil
      }
    }
  }

  /// Runs the step on `inputs`: eagerly (`body`), captured, or replayed. `structure` names the
  /// variables and state the step depends on; `aux` is host data `body` returns beside its
  /// tensors, kept from the capture for replays. Masks attached to the inputs are dropped (a
  /// replay could not bind them): masks made inside the step (an Embedding's) are computed
  /// anew each time.
  func call(
    _ inputs: [Tensor], structure: [Int], mode: JitCompile,
    _ body: ([Tensor]) throws -> (results: [Tensor], aux: Any?)
  ) throws -> (results: [Tensor], aux: Any?) {
    let inputs = inputs.contains { $0.mask != nil } ? inputs.map { $0.withMask(nil) } : inputs
    // Off, or inside another capture (which records this step's ops as its own).
    guard mode != .off, Dispatcher.scope.recorder == nil else { return try body(inputs) }
    let signature = Self.signature(inputs, structure: structure)
    let strict = Self.strictOverride ?? Config.strictCompilation
    var retraceMessage: String?
    defer { if let retraceMessage { CompilationLog.write(retraceMessage) } }
    let state = try withCache { cache -> State in
      cache.clock &+= 1
      if let index = cache.entries.firstIndex(where: { $0.signature == signature }) {
        cache.entries[index].lastUse = cache.clock
        let state = cache.entries[index].state
        if case .capture = state { cache.entries[index].state = .capturing }
        return state
      }
      // A change while the last signature is still warming up (building the model) is part of
      // the first trace, not a retrace.
      if let recent = cache.entries.max(by: { $0.lastUse < $1.lastUse }), recent.hasTraced {
        let change = Self.change(from: recent.signature, to: signature)
        let message = "\(name) traced again: \(change); \(cache.entries.count + 1) traces kept"
        if strict {
          throw PlexusError.invalidState(
            context: name, message: "traced again under strict compilation: \(change)")
        }
        cache.statistics.retraces += 1
        retraceMessage = message  // written once the lock is released
      }
      if cache.entries.count >= capacity,
        let oldest = cache.entries.indices.min(by: {
          cache.entries[$0].lastUse < cache.entries[$1].lastUse
        })
      {
        cache.entries.remove(at: oldest)
      }
      cache.entries.append(Entry(signature: signature, state: .capture, lastUse: cache.clock))
      return .warmUp
    }
    switch state {
    case .warmUp, .capturing, .refused:
      withCache { $0.statistics.eagerCalls += 1 }
      return try body(inputs)
    case .plan(let plan, let aux):
      // Another thread replaying this plan: run eagerly meanwhile (the same results) rather
      // than queue behind it.
      guard let results = try plan.replayUnlessBusy(inputs) else {
        withCache { $0.statistics.eagerCalls += 1 }
        return try body(inputs)
      }
      withCache { $0.statistics.replays += 1 }
      return (results, aux)
    case .capture:
      return try capture(inputs, signature: signature, mode: mode, strict: strict, body)
    }
  }

  private func capture(
    _ inputs: [Tensor], signature: Signature, mode: JitCompile, strict: Bool,
    _ body: ([Tensor]) throws -> (results: [Tensor], aux: Any?)
  ) throws -> (results: [Tensor], aux: Any?) {
    let recorder = StepRecorder()
    recorder.inputStorages = Set(inputs.map { ObjectIdentifier($0.buffer.storage) })
    recorder.failsOnHostRead = mode == .on || strict
    // However the capture ends, the recorder's references (which made variables copy their
    // memory for in-place updates) go, and each variable moves back to the memory it had.
    defer {
      var (variables, storages) = recorder.takeOriginals()
      for index in variables.indices { variables[index].moveBack(into: &storages[index]) }
    }
    let output: (results: [Tensor], aux: Any?)
    do {
      output = try recorder.capture { try body(inputs) }
      recorder.checkResults(output.results)
    } catch {
      update(signature, to: .capture)
      throw error
    }
    if let refusal = recorder.refusal {
      refuse(signature, because: refusal)
      if mode == .on || strict {
        throw PlexusError.invalidState(
          context: name, message: "cannot be compiled: \(refusal); pass jitCompile: .auto or false")
      }
      return output
    }
    if recorder.retry != nil {
      update(signature, to: .capture)
      return output
    }
    let plan = try StepPlan(
      recorder: recorder, inputs: inputs, results: output.results, fusion: fusion)
    update(signature, to: .plan(plan, aux: output.aux))
    withCache { $0.statistics.captures += 1 }
    return output
  }

  private func refuse(_ signature: Signature, because reason: String) {
    update(signature, to: .refused(reason))
    let first = withCache { cache -> Bool in
      defer { cache.statistics.refusal = reason }
      return cache.statistics.refusal == nil
    }
    if first { CompilationLog.write("\(name) runs eagerly: \(reason)") }
  }

  private func update(_ signature: Signature, to state: State) {
    withCache { cache in
      guard let index = cache.entries.firstIndex(where: { $0.signature == signature }) else {
        return
      }
      cache.entries[index].state = state
      cache.entries[index].attempted = true
    }
  }

  static func signature(_ inputs: [Tensor], structure: [Int]) -> Signature {
    var dims: [Int] = []
    var aliases: [Int] = []
    dims.reserveCapacity(inputs.count * 4)
    for (index, input) in inputs.enumerated() {
      dims.append(Int(input.dtype.rawValue))
      dims.append(input.rank)
      dims.append(contentsOf: input.shape.dims)
      let storage = input.buffer.storage
      aliases.append(inputs[..<index].firstIndex { $0.buffer.storage === storage } ?? index)
    }
    return Signature(
      inputs: dims, aliases: aliases, backend: Dispatcher.selectedEntry.map(ObjectIdentifier.init),
      structure: structure)
  }

  /// What differs between two signatures, in words.
  static func change(from old: Signature, to new: Signature) -> String {
    if old.backend != new.backend { return "the backend changed" }
    if old.structure != new.structure {
      return
        "the layers, their variables or trainable switches, or the optimizer's settings changed"
    }
    if old.aliases != new.aliases { return "which inputs share memory changed" }
    let before = describe(old.inputs)
    let after = describe(new.inputs)
    if before.count != after.count { return "\(before.count) inputs → \(after.count)" }
    for (index, (first, second)) in zip(before, after).enumerated() where first != second {
      return "input \(index) \(first) → \(second)"
    }
    return "the inputs changed"
  }

  private static func describe(_ dims: [Int]) -> [String] {
    var result: [String] = []
    var index = 0
    while index + 1 < dims.count {
      let dtype = DType(rawValue: Int32(truncatingIfNeeded: dims[index])).map { "\($0)" } ?? "?"
      let rank = dims[index + 1]
      let end = Swift.min(dims.count, index + 2 + Swift.max(rank, 0))
      result.append("\(dtype) \(Shape(Array(dims[(index + 2)..<end])))")
      index = end
    }
    return result
  }
}

/// Where compilation says what it did (a retrace, a step run eagerly): standard error, one line
/// each, as TensorFlow warns about retracing.
enum CompilationLog {
  static func write(_ message: String) {
    FileHandle.standardError.write(Data("plexus: \(message)\n".utf8))
  }
}
