import BackendProtocol

/// What one capture saw, in order, for ``StepPlan`` to plan: every record the dispatcher ran
/// (with the backend that ran it), every variable whose memory the step read or wrote, every
/// new value assigned to a variable, and the per-step values the step takes as inputs (the
/// optimizer's rate and step, each random draw's counter offset).
///
/// A capture executes eagerly while it records, so the capturing call is a real step. The
/// recorder keeps every storage it sees alive until the plan is made, so that no storage's
/// identity is reused during the capture.
///
/// Ops of the capture may run on other threads: a `Task` started in the body inherits the
/// scope and its ops are recorded too (in the order they finish, which respects every data
/// dependency). Ops that do not inherit the scope (a detached task, another thread) are not
/// recorded; a value they computed during the capture would replay as a constant, so reading
/// it refuses the step (``Dispatcher/markUnrecorded(_:)``).
///
/// `@unchecked Sendable`: every method that changes the recorder takes `lock` (ops of child
/// tasks may be recorded at once); the properties are read by the capturing task after the
/// capture returned, and `inputStorages` and `failsOnHostRead` are set before it starts.
final class StepRecorder: @unchecked Sendable {
  /// One thing the step did.
  enum Event {
    /// A record run on a backend (`fallbackFrom`: the selected one it fell back from).
    case op(OpRecord, BackendEntry, fallbackFrom: BackendEntry?)
    /// A new value given to variable `variable` (an index into ``variables``).
    case assign(source: TensorBuffer, variable: Int)
    /// Host work between ops (``HostCollective``).
    case collective(any HostCollective, inputs: [TensorBuffer], outputs: [TensorBuffer])
  }

  /// The optimizer whose rate and step a replay binds, the buffers they go into, and the step
  /// they had in the capture (an optimizer applied twice in a step binds two steps).
  struct OptimizerBinding {
    let optimizer: Optimizer
    let rate: TensorBuffer
    let step: TensorBuffer
    let capturedStep: Int
  }

  /// A random draw: its counter offset is bound per replay, reserved from the stream as an
  /// eager draw of `elements` elements reserves it.
  struct RandomBinding {
    let offset: TensorBuffer
    let elements: Int
    let key: UInt64
  }

  private(set) var events: [Event] = []
  /// Every variable the step touched, in first-touch order.
  private(set) var variables: [Variable] = []
  private var variableIndex: [ObjectIdentifier: Int] = [:]
  /// Each storage that held a variable's memory during the capture: which variable, and which
  /// of its values (0 when first touched, one more per update).
  private(set) var variableStorages: [ObjectIdentifier: (variable: Int, generation: Int)] = [:]
  /// Per variable: its current value's generation.
  private var generations: [Int] = []
  /// Storages given to variables by assignment.
  private var assigned: Set<ObjectIdentifier> = []
  /// The op (or collective) that produced each storage made during the capture, by name.
  private(set) var produced: [ObjectIdentifier: String] = [:]
  /// The step's inputs, by storage, so that a host read of one names it.
  var inputStorages: Set<ObjectIdentifier> = []
  private(set) var optimizerBindings: [OptimizerBinding] = []
  /// Whether each optimizer rounds its rate to float32 (all its variables are float32).
  private(set) var roundsRate: [ObjectIdentifier: Bool] = [:]
  private(set) var randomBindings: [RandomBinding] = []
  /// Why this step can never be replayed; the first reason wins.
  private(set) var refusal: String?
  /// Why this call could not be the capture, though a later one can (it built layers or made
  /// optimizer slots); the first reason wins.
  private(set) var retry: String?
  /// Whether a host read of a computed value is an error (`jitCompile: .on`, strict); else it
  /// is allowed (the capture runs eagerly) and the step is refused.
  var failsOnHostRead = true
  /// Storages kept alive until the plan is made.
  private var retained: [Storage] = []
  /// This capture's epoch (``Dispatcher/beginCapture()``); 0 before it starts.
  private var epoch: UInt64 = 0
  private let lock = Lock()
  /// Each variable's memory when the capture first touched it.
  private var originalVariables: [Variable] = []
  private var originalStorages: [Storage] = []

  /// Hands over each variable's memory from before the capture, and lets go of everything
  /// else (the recorder is spent).
  func takeOriginals() -> (variables: [Variable], storages: [Storage]) {
    lock.withLock {
      let originals = (variables: originalVariables, storages: originalStorages)
      originalVariables = []
      originalStorages = []
      retained = []
      events = []
      variableStorages = [:]
      assigned = []
      produced = [:]
      optimizerBindings = []
      randomBindings = []
      return originals
    }
  }

  /// Runs `body` with this recorder capturing the task's ops.
  func capture<R>(_ body: () throws -> R) rethrows -> R {
    let epoch = Dispatcher.beginCapture()
    lock.withLock { self.epoch = epoch }
    defer { Dispatcher.endCapture() }
    return try Dispatcher.withScope({ $0.recorder = self }, body)
  }

  func append(_ record: OpRecord, on entry: BackendEntry, fallbackFrom: BackendEntry? = nil) {
    lock.lock()
    defer { lock.unlock() }
    checkReads(record.inputs, by: record.op.description)
    events.append(.op(record, entry, fallbackFrom: fallbackFrom))
    for output in record.outputs {
      produced[ObjectIdentifier(output.storage)] = record.op.description
    }
  }

  func append(
    _ collective: any HostCollective, inputs: [TensorBuffer], outputs: [TensorBuffer]
  ) {
    lock.lock()
    defer { lock.unlock() }
    checkReads(inputs, by: collective.name)
    events.append(.collective(collective, inputs: inputs, outputs: outputs))
    for output in outputs { produced[ObjectIdentifier(output.storage)] = collective.name }
  }

  /// Refuses the step when `reader` (an op or a collective) reads a value the replay would not
  /// have: one computed by an op no capture recorded, or a variable's value from before an
  /// update earlier in the step (a replay has one memory per variable). `lock` held.
  private func checkReads(_ inputs: [TensorBuffer], by reader: String) {
    for input in inputs {
      if computedUnrecorded(input) {
        noteRefusal(
          "'\(reader)' reads a value computed during the capture by an op it did not record "
            + "(on another thread or a detached task)")
      }
      if let (variable, generation) = variableStorages[ObjectIdentifier(input.storage)],
        generation < generations[variable]
      {
        noteRefusal(
          "'\(reader)' reads variable '\(variables[variable].path)' as it was before an "
            + "update earlier in the step")
      }
    }
  }

  /// Notes that `variable`'s memory is `storage` at this point of the step; `copied` when
  /// the variable has just copied its memory for an in-place update (a new value follows).
  ///
  /// Only memory the variable held when the step first touched it, and the copies it makes
  /// for in-place updates, are the variable's: a value assigned to it stays what it was (an
  /// op's output, a step input, a constant), read from there.
  func note(_ variable: Variable, storage: Storage, copied: Bool = false) {
    lock.lock()
    defer { lock.unlock() }
    let known = variables.count
    let index = self.index(of: variable)
    let key = ObjectIdentifier(storage)
    if copied { generations[index] += 1 }
    if index == known {
      originalVariables.append(variable)
      originalStorages.append(storage)
    }
    guard variableStorages[key] == nil, produced[key] == nil, !assigned.contains(key) else {
      if let owner = variableStorages[key], owner.variable != index {
        noteRefusal(
          "variables '\(variables[owner.variable].path)' and '\(variable.path)' share memory")
      }
      return
    }
    variableStorages[key] = (index, generations[index])
    retained.append(storage)
  }

  /// Notes that `variable` was given the value in `source`.
  func noteAssignment(_ variable: Variable, source: TensorBuffer) {
    lock.lock()
    defer { lock.unlock() }
    if computedUnrecorded(source) {
      noteRefusal(
        "variable '\(variable.path)' is assigned a value computed during the capture by an op it "
          + "did not record (on another thread or a detached task)")
    }
    let index = self.index(of: variable)
    generations[index] += 1
    assigned.insert(ObjectIdentifier(source.storage))
    retained.append(source.storage)
    events.append(.assign(source: source, variable: index))
  }

  private func index(of variable: Variable) -> Int {
    let key = ObjectIdentifier(variable)
    if let found = variableIndex[key] { return found }
    generations.append(0)
    variables.append(variable)
    variableIndex[key] = variables.count - 1
    return variables.count - 1
  }

  func bindOptimizer(
    _ optimizer: Optimizer, rate: TensorBuffer, step: TensorBuffer, capturedStep: Int
  ) {
    lock.withLock {
      optimizerBindings.append(
        OptimizerBinding(optimizer: optimizer, rate: rate, step: step, capturedStep: capturedStep))
    }
  }

  func noteRateRounding(_ optimizer: Optimizer, toFloat32: Bool) {
    lock.withLock { roundsRate[ObjectIdentifier(optimizer)] = toFloat32 }
  }

  func bindRandom(offset: TensorBuffer, elements: Int, key: UInt64) {
    lock.withLock {
      randomBindings.append(RandomBinding(offset: offset, elements: elements, key: key))
    }
  }

  /// Marks the step as one that cannot be replayed, saying why.
  func refuse(_ reason: @autoclosure () -> String) {
    lock.withLock { noteRefusal(reason()) }
  }

  /// ``refuse(_:)`` with `lock` held.
  private func noteRefusal(_ reason: @autoclosure () -> String) {
    if refusal == nil { refusal = reason() }
  }

  /// Refuses the step when one of `results` was computed during the capture by an op it did
  /// not record: the plan would return it as a constant.
  func checkResults(_ results: [Tensor]) {
    lock.withLock {
      if results.contains(where: { computedUnrecorded($0.buffer) }) {
        noteRefusal(
          "the step returns a value computed during the capture by an op it did not record "
            + "(on another thread or a detached task)")
      }
    }
  }

  /// Whether `buffer` was written during this capture by an op no capture recorded, and is
  /// none of the values the recorder knows (`lock` held).
  private func computedUnrecorded(_ buffer: TensorBuffer) -> Bool {
    let storage = buffer.storage
    guard epoch > 0, storage.unrecordedCaptureEpoch >= epoch else { return false }
    let key = ObjectIdentifier(storage)
    return produced[key] == nil && variableStorages[key] == nil && !inputStorages.contains(key)
      && !assigned.contains(key)
  }

  /// Marks this call as one that cannot be the capture (it changed the model's structure).
  func retryLater(_ reason: @autoclosure () -> String) {
    lock.withLock { if retry == nil { retry = reason() } }
  }

  /// When `buffer` holds a value the replayed step would compute anew (an op's output, a step
  /// input, a variable), which a replay would never read on the host: throws, or under
  /// `.auto` refuses the step (this call, eager, reads it).
  func checkHostRead(of buffer: TensorBuffer, by reader: String) throws {
    lock.lock()
    defer { lock.unlock() }
    let key = ObjectIdentifier(buffer.storage)
    let what: String
    if let op = produced[key] {
      what = "the output of '\(op)'"
    } else if inputStorages.contains(key) {
      what = "a step input"
    } else if let owner = variableStorages[key] {
      what = "variable '\(variables[owner.variable].path)'"
    } else {
      return  // a constant: the same in every replay
    }
    let message =
      "\(reader) reads \(what) on the host inside a capture; a replayed step reads nothing "
      + "back, so move the read after the step (return the tensor) or run eagerly"
    guard failsOnHostRead else { return noteRefusal(message) }
    throw PlexusError.invalidState(context: "compiled step", message: message)
  }
}
