import CPlexusSupport
import Plexus

// `.keras` and `.weights.h5` files: Keras 3's format, through the frontend's saving.

/// `px_model_save`: the model as a `.keras` file.
@c(px_model_save)
public func pxModelSave(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> px_status {
  let function = "px_model_save"
  return guarded(function) {
    let path = try string(path, "path", in: function)
    try ModelHandle.withModel(model, in: function) { try $0.save(path) }
  }
}

/// `px_model_load`: a model from a `.keras` file.
@c(px_model_load)
public func pxModelLoad(
  _ path: UnsafePointer<CChar>?, _ compile: Int32,
  _ outModel: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_load"
  return guarded(function) {
    let out = try required(outModel, "out_model", in: function)
    let path = try string(path, "path", in: function)
    out.pointee = ModelHandle.make(try loadModel(path, compile: compile != 0))
  }
}

/// `px_model_save_weights`: the model's state as a `.weights.h5` file.
@c(px_model_save_weights)
public func pxModelSaveWeights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?)
  -> px_status
{
  let function = "px_model_save_weights"
  return guarded(function) {
    let path = try string(path, "path", in: function)
    try ModelHandle.withModel(model, in: function) { try $0.saveWeights(path) }
  }
}

/// `px_model_load_weights`: a `.weights.h5` file's state into the model.
@c(px_model_load_weights)
public func pxModelLoadWeights(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?)
  -> px_status
{
  let function = "px_model_load_weights"
  return guarded(function) {
    let path = try string(path, "path", in: function)
    // Weights may change inside a progress callback, as EarlyStopping restores them.
    try ModelHandle.withModel(model, in: function) { try $0.loadWeights(path) }
  }
}
