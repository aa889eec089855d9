import BackendProtocol
import CPlexusSupport
import Plexus

// Tensors: created by copy or over the caller's memory, read back, retained and released.

/// The byte size of `dtype` × `shape`: an error when it cannot be addressed, out of memory when
/// it is more than this machine holds.
private func requiredBytes(_ dtype: DType, _ shape: Shape, in function: String) throws -> Int {
  var bytes = dtype.byteSize
  for size in shape.dims where size != 0 {
    let (product, overflow) = bytes.multipliedReportingOverflow(by: size)
    guard !overflow else {
      throw invalidArgument(function, "\(dtype) \(shape) is too large to address")
    }
    bytes = product
  }
  guard shape.elementCount == 0 || bytes <= Storage.maximumByteCount else {
    throw PlexusError.outOfMemory(
      "\(function): \(dtype) \(shape) needs \(bytes) bytes, more than this machine's "
        + "\(Storage.maximumByteCount) bytes of memory")
  }
  _ = try shape.validated(context: function)
  return shape.elementCount * dtype.byteSize
}

/// Checks the caller's `byte_size` against what `dtype` × `shape` takes.
private func checkByteSize(
  _ byteSize: Int, equals bytes: Int, _ dtype: DType, _ shape: Shape, in function: String
) throws {
  guard UInt(bitPattern: byteSize) == UInt(bytes) else {
    throw invalidArgument(
      function,
      "byte_size is \(UInt(bitPattern: byteSize)); \(dtype) of shape \(shape) takes \(bytes) "
        + "bytes")
  }
}

/// `px_tensor_create`: a tensor holding a copy of `data` (zeros when `data` is NULL and
/// `byteSize` 0).
@c(px_tensor_create)
public func pxTensorCreate(
  _ dtypeCode: Int32, _ dims: UnsafePointer<Int64>?, _ rank: Int, _ data: UnsafeRawPointer?,
  _ byteSize: Int, _ outTensor: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_tensor_create"
  return guarded(function) {
    let out = try required(outTensor, "out_tensor", in: function)
    let dtype = try dtype(dtypeCode, in: function)
    let shape = try shape(dims, rank: rank, in: function)
    let bytes = try requiredBytes(dtype, shape, in: function)
    if data != nil || byteSize != 0 {
      guard data != nil else {
        throw invalidArgument(
          function, "data is NULL but byte_size is \(UInt(bitPattern: byteSize))")
      }
      try checkByteSize(byteSize, equals: bytes, dtype, shape, in: function)
    }
    let buffer = try TensorBuffer.allocate(dtype, shape)
    if let data {
      buffer.storage.base.copyMemory(from: data, byteCount: bytes)
    } else {
      buffer.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    }
    out.pointee = TensorHandle.make(Tensor(buffer))
  }
}

/// A C deleter and its user pointer, called once when the wrapped memory is let go.
private struct Deleter: @unchecked Sendable {
  let function: px_deleter
  let user: UnsafeMutableRawPointer?
}

/// `px_tensor_create_view`: a tensor over the caller's memory, without a copy.
@c(px_tensor_create_view)
public func pxTensorCreateView(
  _ dtypeCode: Int32, _ dims: UnsafePointer<Int64>?, _ rank: Int,
  _ data: UnsafeMutableRawPointer?, _ byteSize: Int, _ deleter: px_deleter?,
  _ user: UnsafeMutableRawPointer?, _ outTensor: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_tensor_create_view"
  return guarded(function) {
    let out = try required(outTensor, "out_tensor", in: function)
    let dtype = try dtype(dtypeCode, in: function)
    let shape = try shape(dims, rank: rank, in: function)
    let bytes = try requiredBytes(dtype, shape, in: function)
    try checkByteSize(byteSize, equals: bytes, dtype, shape, in: function)
    guard let data else { throw invalidArgument(function, "data is NULL") }
    guard Int(bitPattern: data) % dtype.byteSize == 0 else {
      throw invalidArgument(
        function, "data \(data) is not aligned to \(dtype)'s \(dtype.byteSize) bytes")
    }
    let release = deleter.map { Deleter(function: $0, user: user) }
    // Everything is checked: from here the memory is Plexus's to let go (a deleter must never
    // run on a failure path, where the caller still owns it).
    let storage = Storage(wrapping: data, byteCount: bytes) { base in
      release?.function(base, release?.user)
    }
    out.pointee = TensorHandle.make(
      Tensor(TensorBuffer(dtype: dtype, shape: shape, uncheckedStorage: storage)))
  }
}

/// `px_tensor_retain`: one more reference to a live tensor.
@c(px_tensor_retain)
public func pxTensorRetain(_ tensor: OpaquePointer?) -> px_status {
  guarded("px_tensor_retain") {
    try HandleTable.shared.retain(tensor, kind: .tensor, function: "px_tensor_retain")
  }
}

/// `px_tensor_release`: drops a reference; NULL and released handles are ignored.
@c(px_tensor_release)
public func pxTensorRelease(_ tensor: OpaquePointer?) {
  HandleTable.shared.release(tensor, kind: .tensor)
}

/// `px_tensor_dtype`.
@c(px_tensor_dtype)
public func pxTensorDtype(
  _ tensor: OpaquePointer?, _ outDtype: UnsafeMutablePointer<Int32>?
) -> px_status {
  guarded("px_tensor_dtype") {
    let value = try TensorHandle.tensor(tensor, in: "px_tensor_dtype")
    try required(outDtype, "out_dtype", in: "px_tensor_dtype").pointee = value.dtype.rawValue
  }
}

/// `px_tensor_rank`.
@c(px_tensor_rank)
public func pxTensorRank(_ tensor: OpaquePointer?, _ outRank: UnsafeMutablePointer<Int>?)
  -> px_status
{
  guarded("px_tensor_rank") {
    let value = try TensorHandle.tensor(tensor, in: "px_tensor_rank")
    try required(outRank, "out_rank", in: "px_tensor_rank").pointee = value.rank
  }
}

/// `px_tensor_shape`: the dims into a caller array of `capacity` values.
@c(px_tensor_shape)
public func pxTensorShape(
  _ tensor: OpaquePointer?, _ dims: UnsafeMutablePointer<Int64>?, _ capacity: Int
) -> px_status {
  let function = "px_tensor_shape"
  return guarded(function) {
    let value = try TensorHandle.tensor(tensor, in: function)
    let capacity = try validatedCount(capacity, argument: "capacity", in: function)
    guard capacity >= value.rank else {
      throw invalidArgument(
        function, "capacity \(capacity) is less than the tensor's rank \(value.rank)")
    }
    guard value.rank == 0 || dims != nil else {
      throw invalidArgument(function, "dims is NULL; expected room for \(value.rank) values")
    }
    for (axis, size) in value.shape.dims.enumerated() { dims?[axis] = Int64(size) }
  }
}

/// `px_tensor_element_count`.
@c(px_tensor_element_count)
public func pxTensorElementCount(
  _ tensor: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?
) -> px_status {
  guarded("px_tensor_element_count") {
    let value = try TensorHandle.tensor(tensor, in: "px_tensor_element_count")
    try required(outCount, "out_count", in: "px_tensor_element_count").pointee = value.count
  }
}

/// `px_tensor_byte_size`.
@c(px_tensor_byte_size)
public func pxTensorByteSize(_ tensor: OpaquePointer?, _ outSize: UnsafeMutablePointer<Int>?)
  -> px_status
{
  guarded("px_tensor_byte_size") {
    let value = try TensorHandle.tensor(tensor, in: "px_tensor_byte_size")
    try required(outSize, "out_size", in: "px_tensor_byte_size").pointee =
      value.count * value.dtype.byteSize
  }
}

/// `px_tensor_data`: the address of the first element.
@c(px_tensor_data)
public func pxTensorData(
  _ tensor: OpaquePointer?, _ outData: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> px_status {
  guarded("px_tensor_data") {
    let value = try TensorHandle.tensor(tensor, in: "px_tensor_data")
    try required(outData, "out_data", in: "px_tensor_data").pointee = value.buffer.storage.base
  }
}

/// `px_tensor_copy_to`: the data into a caller buffer of `capacity` bytes.
@c(px_tensor_copy_to)
public func pxTensorCopyTo(
  _ tensor: OpaquePointer?, _ buffer: UnsafeMutableRawPointer?, _ capacity: Int
) -> px_status {
  let function = "px_tensor_copy_to"
  return guarded(function) {
    let value = try TensorHandle.tensor(tensor, in: function)
    let bytes = value.count * value.dtype.byteSize
    guard UInt(bitPattern: capacity) >= UInt(bytes) else {
      throw invalidArgument(
        function, "capacity \(UInt(bitPattern: capacity)) is less than the \(bytes) bytes needed")
    }
    guard bytes > 0 else { return }
    guard let buffer else { throw invalidArgument(function, "buffer is NULL") }
    buffer.copyMemory(from: value.buffer.storage.base, byteCount: bytes)
  }
}
