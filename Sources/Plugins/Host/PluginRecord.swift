import BackendProtocol
import CPlexusPlugin

/// The DLPack element type of `dtype`.
func dlpackType(_ dtype: DType) -> DLDataType {
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

/// Runs `body` with `record` as the plugin ABI's `px_plugin_op`: DLPack views of its inputs and
/// outputs (on `device`, at `data` when given: the device copies, else the buffers' own memory,
/// or NULL when `withData` is false) and its attributes as tagged values. Everything lives in
/// temporary memory that is gone when `body` returns, as the ABI says.
func withPluginOp<R>(
  _ record: OpRecord, device: DLDevice, data: [UnsafeMutableRawPointer?]? = nil,
  withData: Bool = true, _ body: (UnsafePointer<px_plugin_op>) throws -> R
) throws -> R {
  let buffers = record.inputs + record.outputs
  var integers = 0
  for buffer in buffers { integers += buffer.shape.rank }
  for entry in record.attributes.entries {
    if case .ints(let values) = entry.value { integers += values.count }
  }
  return try withUnsafeTemporaryAllocation(of: DLTensor.self, capacity: max(buffers.count, 1)) {
    tensors in
    try withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(integers, 1)) { scratch in
      try withUnsafeTemporaryAllocation(
        of: px_plugin_attribute.self, capacity: max(record.attributes.entries.count, 1)
      ) { attributes in
        guard let tensorBase = tensors.baseAddress, let scratchBase = scratch.baseAddress,
          let attributeBase = attributes.baseAddress
        else {
          throw PlexusError.invalidState(
            context: "\(record.op)", message: "no temporary memory for the plugin's record")
        }
        var next = scratchBase
        for (index, buffer) in buffers.enumerated() {
          let shape = next
          for (axis, size) in buffer.shape.dims.enumerated() { shape[axis] = Int64(size) }
          next += buffer.shape.rank
          let address = data.map { $0[index] } ?? (withData ? buffer.storage.base : nil)
          (tensorBase + index).initialize(
            to: DLTensor(
              data: address, device: device, ndim: Int32(buffer.shape.rank),
              dtype: dlpackType(buffer.dtype), shape: shape, strides: nil, byte_offset: 0))
        }
        for (index, entry) in record.attributes.entries.enumerated() {
          var value = px_plugin_attribute()
          value.name = entry.name.rawValue
          switch entry.value {
          case .int(let integer):
            value.type = PX_PLUGIN_VALUE_INT
            value.int_value = Int64(integer)
          case .ints(let list):
            value.type = PX_PLUGIN_VALUE_INTS
            for (position, integer) in list.enumerated() { next[position] = Int64(integer) }
            value.ints = UnsafePointer(next)
            value.int_count = list.count
            next += list.count
          case .double(let real):
            value.type = PX_PLUGIN_VALUE_DOUBLE
            value.double_value = real
          case .bool(let flag):
            value.type = PX_PLUGIN_VALUE_BOOL
            value.int_value = flag ? 1 : 0
          case .dtype(let type):
            value.type = PX_PLUGIN_VALUE_DTYPE
            value.int_value = Int64(type.rawValue)
          }
          (attributeBase + index).initialize(to: value)
        }
        var op = px_plugin_op(
          struct_size: UInt32(MemoryLayout<px_plugin_op>.size), op: record.op.rawValue,
          dtype: record.dtype.rawValue,
          attribute_size: UInt32(MemoryLayout<px_plugin_attribute>.stride), inputs: tensorBase,
          input_count: record.inputs.count, outputs: tensorBase + record.inputs.count,
          output_count: record.outputs.count, attributes: attributeBase,
          attribute_count: record.attributes.entries.count)
        return try body(&op)
      }
    }
  }
}

/// The inputs an in-place op updates (none for every other op).
func updatedInputs(_ record: OpRecord) -> [Int] {
  let count = record.inputs.count
  switch record.op {
  case .sgdUpdate: return [0, 3].filter { $0 < count && (count == 4 || $0 == 0) }
  case .adamUpdate:
    return stride(from: 0, to: max(count - 2, 0), by: 4).flatMap { [$0, $0 + 2, $0 + 3] }
      .filter { $0 < count }
  default: return []
  }
}
