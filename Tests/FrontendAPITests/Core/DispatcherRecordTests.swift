import BackendProtocol
import PlexusReference
import Synchronization
import Testing

@testable import Plexus

/// A backend that runs records on a reference backend and keeps a copy of each: what the
/// dispatcher hands a backend, seen from the backend's side.
private final class RecordingBackend: Backend, Sendable {
  let name: String
  private let inner = ReferenceBackend()
  private let seen = Mutex<[OpRecord]>([])

  init(name: String) { self.name = name }

  var records: [OpRecord] { seen.withLock { $0 } }

  func supports(_ op: OpCode, _ dtype: DType) -> Bool { inner.supports(op, dtype) }

  func execute(_ record: OpRecord) throws -> ExecutionStatus {
    seen.withLock { $0.append(record) }
    return try inner.execute(record)
  }
}

/// Claims `add` and `relu` up front but runs only `relu` (through the typed method; the
/// protocol's default reports `add` unsupported at run time), and declines any transpose that is
/// not a plain 2-D swap once it sees the attributes.
private final class PartialBackend: Backend, Sendable {
  let name: String
  private let inner = ReferenceBackend()

  init(name: String) { self.name = name }

  func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    dtype == .float32 && (op == .add || op == .relu || op == .transpose)
  }

  var refinesSupport: Bool { true }

  func supports(_ record: OpRecord) -> Bool {
    guard record.op == .transpose else { return true }
    return record.attributes[.permutation] == .ints([1, 0])
  }

  func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    try inner.unary(op, x, out)
  }

  func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws {
    try inner.transpose(x, permutation: permutation, out)
  }
}

/// Counts the events it sees.
private final class EventLog: OpObserver, Sendable {
  private let storage = Mutex<[OpEvent]>([])
  var events: [OpEvent] { storage.withLock { $0 } }
  func didExecute(_ event: OpEvent) { storage.withLock { $0.append(event) } }
}

// Serialized: the tests share the recording backend, and a record list read while another test
// runs on it would hold that test's ops too.
@Suite(.serialized) struct DispatcherRecordTests {
  private static let recording = RecordingBackend(name: "recording-test")
  private static let partial = PartialBackend(name: "partial-test")
  private static let registered: Void = {
    _ = Config.availableBackends  // the built-ins first, as a user's process has them
    try? BackendRegistry.shared.register(recording)
    try? BackendRegistry.shared.register(partial)
  }()

  init() { _ = Self.registered }

  @Test func backendsReceiveTypedNamedAttributes() throws {
    let a = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    let before = Self.recording.records.count
    try withBackend("recording-test") {
      _ = try Ops.matmul(a, a, transposeB: true)
      _ = try Ops.sum(a, axes: [1])
      _ = try Ops.pad(a, [(1, 0), (0, 2)], value: 7)
      _ = try Ops.cast(a, to: .int32)
    }
    let records = Array(Self.recording.records[before...])
    #expect(records.map(\.op) == [.matmul, .sum, .pad, .cast])
    #expect(records[0].attributes[.transposeA] == .bool(false))
    #expect(records[0].attributes[.transposeB] == .bool(true))
    #expect(records[0].outputs.map(\.shape) == [[2, 2]])
    #expect(records[1].attributes[.axes] == .ints([1]))
    #expect(records[2].attributes[.paddingBefore] == .ints([1, 0]))
    #expect(records[2].attributes[.padValue] == .double(7))
    #expect(records[2].outputs.map(\.shape) == [[3, 5]])
    #expect(records[3].attributes[.targetDType] == .dtype(.int32))
    #expect(records[3].outputs.map(\.dtype) == [.int32])
  }

  @Test func perStepValuesAreInputsNotAttributes() throws {
    let variable = Variable(try Tensor([1, 2] as [Float], shape: [2]))
    let optimizer = Adam(learningRate: 0.01)
    let gradient = try Tensor([0.5, -0.5] as [Float], shape: [2])
    let before = Self.recording.records.count
    try withBackend("recording-test") {
      try optimizer.apply([gradient], to: [variable])
      try optimizer.apply([gradient], to: [variable])
      _ = try withRandomSeed(5) { try Ops.randomUniform([3]) }
    }
    let records = Self.recording.records[before...]
    let updates = records.filter { $0.op == .adamUpdate }
    #expect(updates.count == 2)
    for (index, update) in updates.enumerated() {
      #expect(update.inputs.count == 6)
      // The rate as Keras holds it for float32 variables: rounded to float32.
      #expect(update.inputs[4].pointer(Double.self).pointee == Double(Float(0.01)))
      #expect(update.inputs[5].pointer(Int64.self).pointee == Int64(index + 1))
      #expect(update.attributes[.beta1] == .double(0.9))
      #expect(update.attributes.entries.count == 3)
      #expect(update.outputs.isEmpty)
    }
    let draw = try #require(records.first { $0.op == .randomUniform })
    #expect(draw.inputs.count == 1 && draw.inputs[0].dtype == .int64)
    #expect(draw.attributes[.seed] == .int(5))
  }

  @Test func runTimeUnsupportedFallsBackAndIsCounted() throws {
    let x = try Tensor([-1, 2] as [Float], shape: [2])
    let (values, statistics) = try Dispatcher.recordingStatistics {
      try withBackend("partial-test") {
        (try Ops.relu(x).scalars(Float.self), try Ops.add(x, x).scalars(Float.self))
      }
    }
    #expect(values.0 == [0, 2])
    #expect(values.1 == [-2, 4])
    #expect(statistics.dispatchCount(backend: "partial-test", op: .relu) == 1)
    #expect(statistics.dispatchCount(backend: "partial-test", op: .add) == 0)
    #expect(statistics.fallbackCount(backend: "partial-test", op: .add) == 1)
    #expect(statistics.dispatchCount(backend: "reference", op: .add) == 1)
    #expect(
      throws: PlexusError.fallbackInStrictMode(op: "add", dtype: .float32, backend: "partial-test")
    ) {
      try Dispatcher.withStrictMode { try withBackend("partial-test") { try Ops.add(x, x) } }
    }
  }

  @Test func aBackendCanDeclineARecordByItsAttributes() throws {
    let x = try Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
    let m = try Tensor((0..<6).map(Float.init), shape: [2, 3])
    let (results, statistics) = try Dispatcher.recordingStatistics {
      try withBackend("partial-test") {
        (try Ops.transpose(m), try Ops.transpose(x, permutation: [2, 0, 1]))
      }
    }
    #expect(statistics.dispatchCount(backend: "partial-test", op: .transpose) == 1)
    #expect(statistics.fallbackCount(backend: "partial-test", op: .transpose) == 1)
    #expect(try results.0.scalars(Float.self) == [0, 3, 1, 4, 2, 5])
    let expected = try withBackend("reference") { try Ops.transpose(x, permutation: [2, 0, 1]) }
    #expect(try results.1.scalars(Float.self) == expected.scalars(Float.self))
  }

  @Test func observersSeeEveryOpOfTheirTaskOnly() throws {
    let log = EventLog()
    let a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    try Dispatcher.withObserver(log) {
      _ = try withBackend("openblas") { try Ops.relu(Ops.matmul(a, a)) }
    }
    _ = try Ops.exp(a)  // outside the scope: not seen
    let events = log.events
    #expect(events.map(\.op) == [.matmul, .relu])
    #expect(events[0].backend == "openblas" && events[0].fallbackFrom == nil)
    #expect(events[1].backend == "reference" && events[1].fallbackFrom == "openblas")
    #expect(events[0].inputShapes == [[2, 2], [2, 2]])
    #expect(events[0].attributes[.transposeA] == .bool(false))
  }
}

@Suite struct BackendSelectionTests {
  @Test func aScopeWinsOverTheModelsBackend() throws {
    let model = Sequential {
      Input(shape: [3])
      Dense(2)
    }
    model.backend = "openblas"
    let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    let (_, pinned) = try Dispatcher.recordingStatistics { try model.predict(x) }
    #expect(pinned.dispatchCount(backend: "openblas", op: .matmul) == 1)
    let (_, scoped) = try Dispatcher.recordingStatistics {
      try withBackend("reference") { try model.predict(x) }
    }
    #expect(scoped.dispatchCount(backend: "reference", op: .matmul) == 1)
    #expect(scoped.dispatchCount(backend: "openblas", op: .matmul) == 0)
  }
}
