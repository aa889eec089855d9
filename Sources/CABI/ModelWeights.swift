import BackendProtocol
import CPlexusSupport
import Plexus

// A model's weights by Keras path ("dense/kernel"), in the order of Keras's `model.weights`.

/// The variable at `path`, or an error listing the paths there are.
private func variable(_ model: Model, _ path: String, in function: String) throws -> Variable {
  let paths = model.kerasWeightPaths
  guard !paths.isEmpty else {
    throw PlexusError.invalidState(
      context: function,
      message: "model '\(model.name)' has no weights yet: declare its input, call "
        + "px_model_build, or train it first")
  }
  guard let variable = model.weight(kerasPath: path) else {
    throw invalidArgument(
      function,
      "model '\(model.name)' has no weight '\(path)'; its weights are "
        + paths.joined(separator: ", "))
  }
  return variable
}

/// `px_model_weight_count`.
@c(px_model_weight_count)
public func pxModelWeightCount(_ model: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?)
  -> px_status
{
  let function = "px_model_weight_count"
  return guarded(function) {
    let out = try required(outCount, "out_count", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { $0.kerasWeightPaths.count }
  }
}

/// `px_model_weight_path`: the Keras path of weight `index`.
@c(px_model_weight_path)
public func pxModelWeightPath(
  _ model: OpaquePointer?, _ index: Int, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_model_weight_path"
  return guarded(function) {
    let paths = try ModelHandle.withModel(model, in: function) { $0.kerasWeightPaths }
    let index = UInt(bitPattern: index)
    guard index < UInt(paths.count) else {
      throw invalidArgument(
        function, "index \(index) is out of range; the model has \(paths.count) weights")
    }
    try writeString(paths[Int(index)], buffer, capacity, needed, in: function)
  }
}

/// `px_model_get_weight`: a copy of a weight's value.
@c(px_model_get_weight)
public func pxModelGetWeight(
  _ model: OpaquePointer?, _ path: UnsafePointer<CChar>?,
  _ outTensor: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_get_weight"
  return guarded(function) {
    let out = try required(outTensor, "out_tensor", in: function)
    let path = try string(path, "path", in: function)
    let value = try ModelHandle.withModel(model, in: function) { model in
      // A copy: the caller may write through px_tensor_data.
      try Ops.copy(try variable(model, path, in: function).value)
    }
    out.pointee = TensorHandle.make(value)
  }
}

/// `px_model_set_weight`: assigns a value of the weight's shape and dtype.
@c(px_model_set_weight)
public func pxModelSetWeight(
  _ model: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ value: OpaquePointer?
) -> px_status {
  let function = "px_model_set_weight"
  return guarded(function) {
    let path = try string(path, "path", in: function)
    let tensor = try TensorHandle.tensor(value, "value", in: function)
    try ModelHandle.withModel(model, in: function) { model in
      let variable = try variable(model, path, in: function)
      guard tensor.dtype == variable.dtype else {
        throw PlexusError.dtypeMismatch(
          context: "\(function) '\(path)'", expected: "\(variable.dtype)",
          received: "\(tensor.dtype)")
      }
      guard tensor.shape == variable.shape else {
        throw PlexusError.shapeMismatch(
          context: "\(function) '\(path)'", expected: "\(variable.shape)",
          received: "\(tensor.shape)")
      }
      // A copy: the optimizer updates the variable in place, which must never write into a
      // caller's memory (a view).
      try variable.assign(try Ops.copy(tensor))
    }
  }
}
