import BackendProtocol
import CDNNL
import Synchronization

/// What one op runs: one or more primitives in order, each with the operands it reads and
/// writes. Operands are numbered as the op passes them to ``run(_:op:)`` (inputs, then
/// the output).
///
/// Each step keeps one set of oneDNN memory objects and its scratchpad, which a run claims and
/// points at its operands (`dnnl_memory_set_data_handle`, 8 ns, where creating and destroying
/// them costs 170 ns each); a run that finds the set claimed by another thread makes its own.
final class PrimitivePlan: @unchecked Sendable {
  /// One oneDNN argument: its `DNNL_ARG_*` id, the operand it binds and that operand's layout.
  struct Argument {
    let id: Int32
    let operand: Int
    let descriptor: dnnl_memory_desc_t
  }

  /// One primitive and its arguments.
  struct Step {
    let primitive: Primitive
    let arguments: [Argument]

    /// The arguments and, when the primitive needs one, its scratchpad (operand
    /// ``PrimitivePlan/scratchpadOperand``).
    var boundArguments: [Argument] {
      guard let scratchpad = primitive.scratchpad else { return arguments }
      return arguments + [
        Argument(
          id: DNNL_ARG_SCRATCHPAD, operand: PrimitivePlan.scratchpadOperand,
          descriptor: scratchpad.descriptor)
      ]
    }
  }

  /// The operand number that stands for the scratch memory a run allocates for a step.
  static let scratchpadOperand = -1

  /// The operand number of temporary buffer `index` (``temporaryBytes``): memory a run
  /// allocates for the whole plan, which one step writes and a later one reads (max pooling's
  /// workspace, say).
  static func temporary(_ index: Int) -> Int { -2 - index }

  /// Scratchpads up to this size are kept with their step and reused by each run that claims
  /// it; larger ones are allocated per run, where their allocation costs little next to the op.
  static let keptScratchpadBytes = 1 << 20

  /// A step's reusable memory objects, the execution arguments that name them, and its
  /// scratchpad.
  private final class Bindings: @unchecked Sendable {
    // Reached only by the run that set `claimed`, or by `deinit`.
    let arguments: UnsafeMutablePointer<dnnl_exec_arg_t>
    let operands: [Int]
    let scratchpad: Storage?
    let claimed = Atomic<Bool>(false)

    init(_ step: Step, _ op: OpCode, engine: dnnl_engine_t) throws {
      scratchpad = try step.primitive.scratchpad.flatMap { needed in
        needed.bytes <= PrimitivePlan.keptScratchpadBytes
          ? try Storage(byteCount: needed.bytes) : nil
      }
      let bound = step.boundArguments
      operands = bound.map(\.operand)
      arguments = .allocate(capacity: bound.count)
      var created = 0
      do {
        for argument in bound {
          arguments[created] = dnnl_exec_arg_t(
            arg: argument.id, memory: try memory(argument.descriptor, nil, op, engine))
          created += 1
        }
      } catch {
        for index in 0..<created { dnnl_memory_destroy(arguments[index].memory) }
        arguments.deallocate()
        throw error
      }
    }

    deinit {
      for index in operands.indices { dnnl_memory_destroy(arguments[index].memory) }
      arguments.deallocate()
    }
  }

  // Immutable after `init`: plans are shared by every thread that runs the same op.
  let steps: [Step]
  /// The sizes in bytes of the temporary buffers each run allocates (``temporary(_:)``).
  let temporaryBytes: [Int]
  /// For a convolution whose filter (operand 1) this plan reads in another layout than the
  /// caller's: the reorder into it (operands: the caller's filter, the result) and the
  /// result's size in bytes. The caller runs it, or finds its result in a ``FilterCache``.
  let filterReorder: (plan: PrimitivePlan, bytes: Int)?
  private let bindings: [Bindings]

  init(
    _ steps: [Step], _ op: OpCode, temporaries: [Int] = [],
    filterReorder: (plan: PrimitivePlan, bytes: Int)? = nil
  ) throws {
    let engine = try engine()
    self.steps = steps
    temporaryBytes = temporaries
    self.filterReorder = filterReorder
    bindings = try steps.map { try Bindings($0, op, engine: engine) }
  }

  /// A plan of one primitive.
  convenience init(_ primitive: Primitive, _ op: OpCode, _ arguments: [Argument]) throws {
    try self.init([Step(primitive: primitive, arguments: arguments)], op)
  }

  /// Runs every step on the shared stream, on this thread with one OpenMP thread.
  /// Every operand pointer must address memory its descriptors fit in (the backend checked).
  func run(_ operands: [UnsafeMutableRawPointer], op: OpCode) throws {
    let engine = try Engine.shared.get()
    useOneOpenMPThread()
    let temporaries = try temporaryBytes.map { try Storage(byteCount: $0) }
    for (step, bound) in zip(steps, bindings) {
      let claimed = bound.claimed.compareExchange(
        expected: false, desired: true, ordering: .acquiring
      ).exchanged
      defer { if claimed { bound.claimed.store(false, ordering: .releasing) } }
      // Scratch memory no other run uses at the same time (see `Primitive`): the step's own
      // when this run holds the step, else (or when it is too large to keep) a fresh one.
      let scratchpad =
        claimed && bound.scratchpad != nil
        ? bound.scratchpad : try step.primitive.scratchpad.map { try Storage(byteCount: $0.bytes) }
      try withExtendedLifetime((scratchpad, temporaries)) {
        let pointer = { (operand: Int) -> UnsafeMutableRawPointer? in
          operand >= 0
            ? operands[operand]
            : operand == Self.scratchpadOperand ? scratchpad?.base : temporaries[-2 - operand].base
        }
        guard claimed else {
          try runWithOwnMemory(step, pointer, op, engine)
          return
        }
        for (index, operand) in bound.operands.enumerated() {
          try check(
            dnnl_memory_set_data_handle(bound.arguments[index].memory, pointer(operand)), op,
            "dnnl_memory_set_data_handle")
        }
        try execute(step.primitive, bound.arguments, bound.operands.count, op, engine)
      }
    }
  }

  /// Runs `step` with memory objects of its own, for when another thread holds the step's.
  private func runWithOwnMemory(
    _ step: Step, _ pointer: (Int) -> UnsafeMutableRawPointer?, _ op: OpCode, _ engine: Engine
  ) throws {
    let bound = step.boundArguments
    try withUnsafeTemporaryAllocation(of: dnnl_exec_arg_t.self, capacity: bound.count) {
      arguments in
      var created = 0
      defer {
        for index in 0..<created { dnnl_memory_destroy(arguments[index].memory) }
      }
      for argument in bound {
        arguments[created] = dnnl_exec_arg_t(
          arg: argument.id,
          memory: try memory(argument.descriptor, pointer(argument.operand), op, engine.engine))
        created += 1
      }
      guard let base = arguments.baseAddress else { return }
      try execute(step.primitive, base, created, op, engine)
    }
  }

  private func execute(
    _ primitive: Primitive, _ arguments: UnsafeMutablePointer<dnnl_exec_arg_t>, _ count: Int,
    _ op: OpCode, _ engine: Engine
  ) throws {
    try check(
      dnnl_primitive_execute(primitive.handle, engine.stream, Int32(count), arguments), op,
      "dnnl_primitive_execute")
    try check(dnnl_stream_wait(engine.stream), op, "dnnl_stream_wait")
  }

  /// The size in bytes of the memory the plan's arguments bind to `operand`, if any binds it.
  func bytes(ofOperand operand: Int) -> Int? {
    for step in steps {
      for argument in step.arguments where argument.operand == operand {
        var descriptor = argument.descriptor
        return Int(clamping: dnnl_memory_desc_get_size(&descriptor))
      }
    }
    return nil
  }

  /// The number of primitives the plan holds.
  var primitiveCount: Int { steps.count }
}

/// Makes one OpenMP's thread count on the calling thread. OpenMP keeps the count per
/// thread, and oneDNN reads it both when it creates a primitive (to plan the work split) and
/// when it runs one, so it is applied before either, on the thread that does it.
func useOneOpenMPThread() {
  if omp_get_max_threads() != 1 { omp_set_num_threads(1) }
}

/// A oneDNN memory object of `descriptor` over `pointer` (none yet when nil).
private func memory(
  _ descriptor: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer?, _ op: OpCode,
  _ engine: dnnl_engine_t
) throws -> dnnl_memory_t {
  var memory: dnnl_memory_t?
  var descriptor = descriptor
  try check(dnnl_memory_create(&memory, &descriptor, engine, pointer), op, "dnnl_memory_create")
  guard let memory else { throw missingHandle("\(op)", "dnnl_memory_create") }
  return memory
}
