import BackendProtocol
import CDNNL

/// What one op runs: one or more primitives in order, each with the operands it reads and
/// writes. Operands are numbered as the op passes them to ``run(_:op:threads:)`` (inputs, then
/// the output).
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
  }

  // Immutable after `init`: plans are shared by every thread that runs the same op.
  let steps: [Step]

  init(_ steps: [Step]) { self.steps = steps }

  /// A plan of one primitive.
  convenience init(_ primitive: Primitive, _ arguments: [Argument]) {
    self.init([Step(primitive: primitive, arguments: arguments)])
  }

  /// Runs every step on the shared stream with `threads` OpenMP threads on this thread.
  /// Every operand pointer must address memory its descriptors fit in (the backend checked).
  func run(_ operands: [UnsafeMutableRawPointer], op: OpCode, threads: Int32) throws {
    let engine = try Engine.shared.get()
    // OpenMP's thread count is a per-thread setting: apply it on the thread that runs.
    if omp_get_max_threads() != threads { omp_set_num_threads(threads) }
    for step in steps {
      try withUnsafeTemporaryAllocation(of: dnnl_exec_arg_t.self, capacity: step.arguments.count) {
        arguments in
        var created = 0
        defer {
          for index in 0..<created { dnnl_memory_destroy(arguments[index].memory) }
        }
        for argument in step.arguments {
          var memory: dnnl_memory_t?
          var descriptor = argument.descriptor
          try check(
            dnnl_memory_create(&memory, &descriptor, engine.engine, operands[argument.operand]),
            op, "dnnl_memory_create")
          guard let memory else { throw missingHandle("\(op)", "dnnl_memory_create") }
          arguments[created] = dnnl_exec_arg_t(arg: argument.id, memory: memory)
          created += 1
        }
        try check(
          dnnl_primitive_execute(
            step.primitive.handle, engine.stream, Int32(created), arguments.baseAddress), op,
          "dnnl_primitive_execute")
        try check(dnnl_stream_wait(engine.stream), op, "dnnl_stream_wait")
      }
    }
  }

  /// The number of primitives the plan holds.
  var primitiveCount: Int { steps.count }
}
