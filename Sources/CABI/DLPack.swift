import BackendProtocol
import CPlexusSupport
import Plexus

// DLPack exchange (include/dlpack/dlpack.h, v1.1): export shares a tensor's memory with the
// consumer; import wraps the producer's memory and calls its deleter with the last reference.

/// The DLPack element type of each dtype.
private func dlpackType(_ dtype: DType) -> DLDataType {
  let code: DLDataTypeCode =
    switch dtype {
    case .float32, .float64: kDLFloat
    case .int32, .int64: kDLInt
    case .uint8: kDLUInt
    case .bool: kDLBool
    case .bfloat16: kDLBfloat
    }
  return DLDataType(code: UInt8(code.rawValue), bits: UInt8(dtype.byteSize * 8), lanes: 1)
}

/// The dtype of a DLPack element type, if Plexus has it.
private func dtype(of type: DLDataType) -> DType? {
  guard type.lanes == 1 else { return nil }
  return DType.allCases.first {
    let candidate = dlpackType($0)
    return candidate.code == type.code && candidate.bits == type.bits
  }
}

/// What an exported tensor's `manager_ctx` keeps alive: the tensor and its shape and strides.
private final class ExportContext {
  let tensor: Tensor
  let shape: UnsafeMutablePointer<Int64>
  let strides: UnsafeMutablePointer<Int64>

  init(_ tensor: Tensor) {
    self.tensor = tensor
    let rank = Swift.max(tensor.rank, 1)
    shape = .allocate(capacity: rank)
    strides = .allocate(capacity: rank)
    let compact = tensor.shape.strides
    for (axis, size) in tensor.shape.dims.enumerated() {
      shape[axis] = Int64(size)
      strides[axis] = Int64(compact[axis])
    }
  }

  deinit {
    shape.deallocate()
    strides.deallocate()
  }
}

/// `px_tensor_to_dlpack`: a DLPack 1.x view of the tensor, owned by the consumer.
@c(px_tensor_to_dlpack)
public func pxTensorToDlpack(
  _ tensor: OpaquePointer?,
  _ outManaged: UnsafeMutablePointer<UnsafeMutablePointer<DLManagedTensorVersioned>?>?
) -> px_status {
  let function = "px_tensor_to_dlpack"
  return guarded(function) {
    let value = try TensorHandle.tensor(tensor, in: function)
    let out = try required(outManaged, "out_managed", in: function)
    let context = ExportContext(value)
    let tensorView = DLTensor(
      data: value.buffer.storage.base, device: DLDevice(device_type: kDLCPU, device_id: 0),
      ndim: Int32(value.rank), dtype: dlpackType(value.dtype), shape: context.shape,
      strides: context.strides, byte_offset: 0)
    let managed = UnsafeMutablePointer<DLManagedTensorVersioned>.allocate(capacity: 1)
    managed.initialize(
      to: DLManagedTensorVersioned(
        version: DLPackVersion(
          major: UInt32(DLPACK_MAJOR_VERSION), minor: UInt32(DLPACK_MINOR_VERSION)),
        manager_ctx: Unmanaged.passRetained(context).toOpaque(),
        deleter: { managed in
          guard let managed else { return }
          if let context = managed.pointee.manager_ctx {
            Unmanaged<ExportContext>.fromOpaque(context).release()
          }
          managed.deinitialize(count: 1)
          managed.deallocate()
        },
        // Memory Plexus did not allocate (a view, an import) goes out read-only: the caller
        // that lent it may have lent it read-only, and Plexus cannot tell.
        flags: value.buffer.storage.isOwnedByFramework ? 0 : UInt64(DLPACK_FLAG_BITMASK_READ_ONLY),
        dl_tensor: tensorView))
    out.pointee = managed
  }
}

/// Where an empty imported tensor points when its producer gave no address (PyTorch exports
/// empty tensors with NULL data): never read, as the tensor has no elements.
// Allocated once, never written or freed: safe to share between threads.
nonisolated(unsafe) private let emptyData = UnsafeMutableRawPointer.allocate(
  byteCount: 64, alignment: 64)

/// A producer's deleter call, run once when the last reference to the imported memory goes.
private struct ProducerRelease: @unchecked Sendable {
  let run: () -> Void
}

/// A new tensor handle over a checked DLPack tensor; from here the producer's memory is
/// Plexus's, and `release` (the producer's deleter) runs with the last reference to it.
private func adopt(
  _ view: DLTensor, in function: String, release: @escaping () -> Void
) throws -> OpaquePointer? {
  let (type, shape, base, bytes) = try importable(view, in: function)
  let producer = ProducerRelease(run: release)
  let storage = Storage(wrapping: base, byteCount: bytes) { _ in producer.run() }
  return TensorHandle.make(
    Tensor(TensorBuffer(dtype: type, shape: shape, uncheckedStorage: storage)))
}

/// Checks a DLPack tensor Plexus can wrap and returns its dtype, shape and first byte.
private func importable(
  _ view: DLTensor, in function: String
) throws -> (DType, Shape, UnsafeMutableRawPointer, Int) {
  let device = view.device.device_type
  guard device == kDLCPU || device == kDLCUDAHost else {
    throw invalidArgument(
      function,
      "the tensor is on DLPack device type \(device.rawValue); Plexus reads host memory "
        + "(kDLCPU or kDLCUDAHost): copy it to the host first")
  }
  guard let type = dtype(of: view.dtype) else {
    throw invalidArgument(
      function,
      "DLPack dtype (code \(view.dtype.code), bits \(view.dtype.bits), lanes "
        + "\(view.dtype.lanes)) is not one Plexus has")
  }
  guard (0...Int32(PX_MAX_RANK)).contains(view.ndim) else {
    throw invalidArgument(function, "ndim \(view.ndim) is outside 0...\(PX_MAX_RANK)")
  }
  let rank = Int(view.ndim)
  guard rank == 0 || view.shape != nil else {
    throw invalidArgument(function, "shape is NULL but ndim is \(rank)")
  }
  var dims: [Int] = []
  for axis in 0..<rank {
    let size = view.shape?[axis] ?? 0
    guard size >= 0 else {
      throw invalidArgument(function, "shape[\(axis)] is \(size); expected ≥ 0")
    }
    dims.append(Int(size))
  }
  let shape = try Shape(dims).validated(context: function)
  if let strides = view.strides, shape.elementCount > 0 {
    let compact = shape.strides
    for axis in 0..<rank where dims[axis] > 1 && strides[axis] != Int64(compact[axis]) {
      throw invalidArgument(
        function,
        "strides [\((0..<rank).map { String(strides[$0]) }.joined(separator: ", "))] are not "
          + "compact row-major for shape \(shape); copy it first (numpy.ascontiguousarray)")
    }
  }
  guard let data = view.data ?? (shape.elementCount == 0 ? emptyData : nil) else {
    throw invalidArgument(function, "data is NULL")
  }
  guard view.byte_offset <= UInt64(Int.max) else {
    throw invalidArgument(function, "byte_offset \(view.byte_offset) is out of range")
  }
  let base = data + Int(view.byte_offset)
  guard Int(bitPattern: base) % type.byteSize == 0 else {
    throw invalidArgument(function, "data is not aligned to \(type)'s \(type.byteSize) bytes")
  }
  let (bytes, overflow) = shape.elementCount.multipliedReportingOverflow(by: type.byteSize)
  guard !overflow else { throw invalidArgument(function, "\(type) \(shape) is too large") }
  return (type, shape, base, bytes)
}

/// `px_tensor_from_dlpack`: wraps a DLPack 1.x tensor; Plexus owns it on success.
@c(px_tensor_from_dlpack)
public func pxTensorFromDlpack(
  _ managed: UnsafeMutablePointer<DLManagedTensorVersioned>?,
  _ outTensor: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_tensor_from_dlpack"
  return guarded(function) {
    let out = try required(outTensor, "out_tensor", in: function)
    guard let managed else { throw invalidArgument(function, "managed is NULL") }
    let version = managed.pointee.version
    guard version.major == UInt32(DLPACK_MAJOR_VERSION) else {
      throw invalidArgument(
        function,
        "DLPack major version \(version.major); Plexus reads version \(DLPACK_MAJOR_VERSION)")
    }
    let deleter = managed.pointee.deleter
    out.pointee = try adopt(managed.pointee.dl_tensor, in: function) { deleter?(managed) }
  }
}

/// `px_tensor_from_dlpack_legacy`: the same for a pre-1.0 `DLManagedTensor`.
@c(px_tensor_from_dlpack_legacy)
public func pxTensorFromDlpackLegacy(
  _ managed: UnsafeMutablePointer<DLManagedTensor>?,
  _ outTensor: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_tensor_from_dlpack_legacy"
  return guarded(function) {
    let out = try required(outTensor, "out_tensor", in: function)
    guard let managed else { throw invalidArgument(function, "managed is NULL") }
    let deleter = managed.pointee.deleter
    out.pointee = try adopt(managed.pointee.dl_tensor, in: function) { deleter?(managed) }
  }
}
