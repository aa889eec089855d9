import Plexus

/// What a `px_tensor` handle holds: an immutable tensor.
final class TensorHandle {
  let tensor: Tensor

  init(_ tensor: Tensor) {
    self.tensor = tensor
  }

  /// Wraps `tensor` in a new handle.
  static func make(_ tensor: Tensor) -> OpaquePointer? {
    HandleTable.shared.insert(TensorHandle(tensor), kind: .tensor)
  }

  /// The tensor behind a live `px_tensor` handle.
  static func tensor(
    _ handle: OpaquePointer?, _ argument: String = "tensor", in function: String
  ) throws -> Tensor {
    let object = try HandleTable.shared.object(
      handle, kind: .tensor, argument: argument, function: function)
    // The table stores only TensorHandles under `.tensor`.
    guard let box = object as? TensorHandle else {
      throw invalidArgument(function, "\(argument) is not a px_tensor handle")
    }
    return box.tensor
  }

  /// The tensors of a C array of `count` handles; `argument` names the array.
  static func tensors(
    _ array: UnsafePointer<OpaquePointer?>?, count: Int, _ argument: String,
    in function: String, allowEmpty: Bool = false
  ) throws -> [Tensor] {
    let count = try validatedCount(count, argument: "\(argument)_count", in: function)
    guard count > 0 else {
      if allowEmpty { return [] }
      throw invalidArgument(function, "\(argument)_count is 0; expected at least one tensor")
    }
    guard let array else {
      throw invalidArgument(function, "\(argument) is NULL but \(argument)_count is \(count)")
    }
    return try (0..<count).map { index in
      try tensor(array[index], "\(argument)[\(index)]", in: function)
    }
  }
}
