import BackendProtocol
import CDNNL

/// One created oneDNN primitive, destroyed when the last plan holding it goes away (so a plan
/// evicted from the cache while another thread runs it stays valid until that run ends).
///
/// Every primitive is created with a user-managed scratchpad (`dnnl_scratchpad_mode_user`):
/// each run hands it scratch memory of its own. oneDNN's default, a library-managed
/// scratchpad, is in Debian's build (OpenMP runtime, without `DNNL_ENABLE_CONCURRENT_EXEC`)
/// one global scratchpad per creating thread, shared by every primitive that thread created,
/// and oneDNN's documentation requires each such primitive to run on the thread that created
/// it. A cache shared by every thread breaks both rules: products run concurrently on plans
/// made on one thread gave wrong results (`OneDNNBackendTests.concurrentUseAgrees` failed two
/// runs in three with the default; so did the frontend's parallel-training test under
/// ThreadSanitizer).
final class Primitive: @unchecked Sendable {
  // Never changes after `init`; oneDNN primitives may be executed from several threads at once.
  let handle: dnnl_primitive_t
  /// oneDNN's name for the kernel it picked (`brg:avx512_core`, `jit:uni`, `ref:any`).
  let implementation: String
  /// The scratch memory each run must provide (`DNNL_ARG_SCRATCHPAD`), when it needs any.
  let scratchpad: (descriptor: dnnl_memory_desc_t, bytes: Int)?

  /// Creates the primitive of a primitive descriptor.
  init(_ op: OpCode, _ descriptor: PrimitiveDescriptor) throws {
    implementation = descriptor.implementation
    scratchpad = descriptor.memory(dnnl_query_scratchpad_md)
    var primitive: dnnl_primitive_t?
    try check(dnnl_primitive_create(&primitive, descriptor.handle), op, "dnnl_primitive_create")
    guard let primitive else { throw missingHandle("\(op)", "dnnl_primitive_create") }
    handle = primitive
  }

  /// Creates the primitive for an operation descriptor (`dnnl_*_desc_t`) filled by its
  /// `dnnl_*_desc_init` call.
  convenience init<Descriptor>(_ op: OpCode, _ descriptor: inout Descriptor) throws {
    try self.init(op, PrimitiveDescriptor(op, &descriptor))
  }

  /// Creates a reorder (a copy between two layouts of the same dims).
  convenience init(
    _ op: OpCode, reorderFrom source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t
  ) throws {
    try self.init(op, PrimitiveDescriptor(op, reorderFrom: source, to: destination))
  }

  deinit { dnnl_primitive_destroy(handle) }
}

/// A oneDNN primitive descriptor, destroyed with this value: a backward pass's descriptor is
/// created with its forward pass's as a hint, which must live until then.
final class PrimitiveDescriptor {
  let handle: dnnl_primitive_desc_t

  /// The descriptor for an operation descriptor (`dnnl_*_desc_t`), with a user-managed
  /// scratchpad, and `hint` (the forward pass's) for a backward pass.
  init<Descriptor>(
    _ op: OpCode, _ descriptor: inout Descriptor, hint: PrimitiveDescriptor? = nil,
    postOp: EltwisePostOp? = nil
  ) throws {
    let engine = try engine()
    let attributes = try ScratchpadAttributes(op, postOp: postOp)
    var created: dnnl_primitive_desc_t?
    // The descriptors are plain C structs; a typed pointer converts to the `const void *`.
    let status = withUnsafeMutablePointer(to: &descriptor) { operation in
      dnnl_primitive_desc_create(&created, operation, attributes.handle, engine, hint?.handle)
    }
    try check(status, op, "dnnl_primitive_desc_create")
    guard let created else { throw missingHandle("\(op)", "dnnl_primitive_desc_create") }
    handle = created
  }

  /// The descriptor of a reorder from `source` to `destination`.
  init(_ op: OpCode, reorderFrom source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t)
    throws
  {
    var (source, destination) = (source, destination)
    let engine = try engine()
    let attributes = try ScratchpadAttributes(op)
    var created: dnnl_primitive_desc_t?
    try check(
      dnnl_reorder_primitive_desc_create(
        &created, &source, engine, &destination, engine, attributes.handle), op,
      "dnnl_reorder_primitive_desc_create")
    guard let created else { throw missingHandle("\(op)", "dnnl_reorder_primitive_desc_create") }
    handle = created
  }

  deinit { dnnl_primitive_desc_destroy(handle) }

  /// oneDNN's name for the kernel it picked.
  var implementation: String {
    var name: UnsafePointer<CChar>?
    _ = dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name)
    return name.map { String(cString: $0) } ?? "unknown"
  }

  /// The memory descriptor a query names (`dnnl_query_weights_md`), or nil.
  func descriptor(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t? {
    dnnl_primitive_desc_query_md(handle, query, index)?.pointee
  }

  /// The memory a query names (`dnnl_query_scratchpad_md`, `dnnl_query_workspace_md`) and its
  /// size in bytes, or nil when the primitive needs none.
  func memory(_ query: dnnl_query_t) -> (descriptor: dnnl_memory_desc_t, bytes: Int)? {
    guard let found = dnnl_primitive_desc_query_md(handle, query, 0) else { return nil }
    let bytes = dnnl_memory_desc_get_size(found)
    return bytes > 0 ? (found.pointee, Int(clamping: bytes)) : nil
  }
}

/// An elementwise op a primitive applies to its result before it stores it (a post-op).
struct EltwisePostOp {
  let algorithm: dnnl_alg_kind_t
  let alpha: Float
  let beta: Float
}

/// Primitive attributes asking for a user-managed scratchpad, and for a post-op when one is
/// given, destroyed with this value.
private final class ScratchpadAttributes {
  let handle: dnnl_primitive_attr_t

  init(_ op: OpCode, postOp: EltwisePostOp? = nil) throws {
    var attributes: dnnl_primitive_attr_t?
    try check(dnnl_primitive_attr_create(&attributes), op, "dnnl_primitive_attr_create")
    guard let attributes else { throw missingHandle("\(op)", "dnnl_primitive_attr_create") }
    handle = attributes
    try check(
      dnnl_primitive_attr_set_scratchpad_mode(handle, dnnl_scratchpad_mode_user), op,
      "dnnl_primitive_attr_set_scratchpad_mode")
    guard let postOp else { return }
    var postOps: dnnl_post_ops_t?
    try check(dnnl_post_ops_create(&postOps), op, "dnnl_post_ops_create")
    guard let postOps else { throw missingHandle("\(op)", "dnnl_post_ops_create") }
    // The attributes keep their own copy of the post-ops.
    defer { dnnl_post_ops_destroy(postOps) }
    try check(
      dnnl_post_ops_append_eltwise(postOps, 1, postOp.algorithm, postOp.alpha, postOp.beta), op,
      "dnnl_post_ops_append_eltwise")
    try check(
      dnnl_primitive_attr_set_post_ops(handle, postOps), op, "dnnl_primitive_attr_set_post_ops")
  }

  deinit { dnnl_primitive_attr_destroy(handle) }
}

/// The shared engine's handle, or the error its creation gave.
func engine() throws -> dnnl_engine_t { try Engine.shared.get().engine }

/// A memory descriptor of `dims` (float32 unless `type` says otherwise) whose layout the
/// primitive chooses (`dnnl_format_tag_any`): its preferred, usually blocked, layout.
func anyLayoutDescriptor(_ dims: [Int], _ op: OpCode, type: dnnl_data_type_t = dnnl_f32) throws
  -> dnnl_memory_desc_t
{
  guard (1...Int(DNNL_MAX_NDIMS)).contains(dims.count) else { throw UnsupportedOp(op) }
  var descriptor = dnnl_memory_desc_t()
  let sizes = dims.map { Int64($0) }
  try check(
    dnnl_memory_desc_init_by_tag(
      &descriptor, Int32(dims.count), sizes, type, dnnl_format_tag_any), op,
    "dnnl_memory_desc_init_by_tag")
  return descriptor
}

/// Whether two memory descriptors describe the same layout.
func sameLayout(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
  var (a, b) = (a, b)
  return dnnl_memory_desc_equal(&a, &b) != 0
}

/// A plain memory descriptor of `dims` (rank 1 to `DNNL_MAX_NDIMS`; float32 unless `type` says
/// otherwise), row-major unless `strides` (in elements) say otherwise.
func memoryDescriptor(
  _ dims: [Int], strides: [Int]? = nil, _ op: OpCode, type: dnnl_data_type_t = dnnl_f32
) throws -> dnnl_memory_desc_t {
  guard (1...Int(DNNL_MAX_NDIMS)).contains(dims.count) else { throw UnsupportedOp(op) }
  var descriptor = dnnl_memory_desc_t()
  // Int is 64 bits on every platform Swift on Linux runs on, so these conversions are exact.
  let sizes = dims.map { Int64($0) }
  let steps = (strides ?? Shape(dims).strides).map { Int64($0) }
  try check(
    dnnl_memory_desc_init_by_strides(&descriptor, Int32(dims.count), sizes, type, steps), op,
    "dnnl_memory_desc_init_by_strides")
  return descriptor
}
