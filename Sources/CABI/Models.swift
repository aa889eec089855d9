import BackendProtocol
import CPlexusSupport
import Plexus

// Models: made layer by layer or from Keras JSON, described, and released.

/// `px_model_create_sequential`: an empty Sequential model.
@c(px_model_create_sequential)
public func pxModelCreateSequential(
  _ name: UnsafePointer<CChar>?, _ outModel: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_create_sequential"
  return guarded(function) {
    let out = try required(outModel, "out_model", in: function)
    let modelName = try name.map { _ in try string(name, "name", in: function) }
    if let modelName, modelName.isEmpty {
      throw invalidArgument(function, "name is empty; pass NULL for a generated name")
    }
    out.pointee = ModelHandle.make(Sequential([], name: modelName))
  }
}

/// The Sequential model a layer-by-layer call needs.
private func sequential(_ model: Model, in function: String) throws -> Sequential {
  guard let sequential = model as? Sequential else {
    throw PlexusError.invalidState(
      context: function,
      message: "model '\(model.name)' is a \(model.className); layers are added to a Sequential "
        + "model only (build other models from JSON)")
  }
  return sequential
}

/// `px_model_add_input`: declares a Sequential model's input.
@c(px_model_add_input)
public func pxModelAddInput(
  _ model: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ rank: Int, _ dtypeCode: Int32
) -> px_status {
  let function = "px_model_add_input"
  return guarded(function) {
    let inputShape = try shape(dims, rank: rank, in: function, allowUnknown: true)
    let type = try dtype(dtypeCode, in: function)
    try ModelHandle.withMutableModel(model, in: function) { model in
      let sequential = try sequential(model, in: function)
      guard sequential.input == nil, sequential.layers.isEmpty else {
        throw PlexusError.invalidState(
          context: function,
          message: "model '\(model.name)' already has "
            + (sequential.input == nil ? "layers" : "an input")
            + "; the input comes first, once")
      }
      try sequential.add(Input(shape: inputShape, dtype: type))
    }
  }
}

/// `px_model_add`: appends a layer to a Sequential model.
@c(px_model_add)
public func pxModelAdd(_ model: OpaquePointer?, _ layer: OpaquePointer?) -> px_status {
  let function = "px_model_add"
  return guarded(function) {
    let box = try LayerHandle.box(layer, in: function)
    try ModelHandle.withMutableModel(model, in: function) { model in
      let sequential = try sequential(model, in: function)
      guard box.layer !== sequential else {
        throw invalidArgument(function, "a model cannot be added to itself")
      }
      if let owner = box.claim(for: sequential.name) {
        throw PlexusError.invalidState(
          context: function,
          message: "layer '\(box.layer.name)' was already added to model '\(owner)'")
      }
      do {
        try sequential.add(box.layer)
      } catch {
        box.unclaim()
        throw error
      }
    }
  }
}

/// `px_model_from_json`: a model from Keras JSON.
@c(px_model_from_json)
public func pxModelFromJson(
  _ json: UnsafePointer<CChar>?, _ outModel: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_from_json"
  return guarded(function) {
    let out = try required(outModel, "out_model", in: function)
    let text = try string(json, "json", in: function)
    out.pointee = ModelHandle.make(try Model.fromJSON(text))
  }
}

/// `px_model_from_json_sharing`: a model from Keras JSON whose layers named in `layerNames`
/// are the layers of those names in `owners` (the same objects, so the same weights).
@c(px_model_from_json_sharing)
public func pxModelFromJsonSharing(
  _ json: UnsafePointer<CChar>?, _ layerNames: UnsafePointer<UnsafePointer<CChar>?>?,
  _ owners: UnsafePointer<OpaquePointer?>?, _ count: Int,
  _ outModel: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_model_from_json_sharing"
  return guarded(function) {
    let out = try required(outModel, "out_model", in: function)
    let text = try string(json, "json", in: function)
    let count = try validatedCount(count, argument: "count", in: function)
    guard count == 0 || (layerNames != nil && owners != nil) else {
      throw invalidArgument(function, "layer_names or owners is NULL but count is \(count)")
    }
    var shared: [String: Layer] = [:]
    for index in 0..<count {
      let name = try string(layerNames?[index], "layer_names[\(index)]", in: function)
      guard shared[name] == nil else {
        throw invalidArgument(function, "layer_names[\(index)] '\(name)' is given twice")
      }
      let box = try ModelHandle.box(owners?[index], in: function)
      shared[name] = try ModelHandle.withModel(owners?[index], in: function) { owner in
        let found = owner.name == name ? owner : layer(named: name, in: owner)
        guard let found else {
          throw invalidArgument(
            function, "owners[\(index)], model '\(owner.name)', has no layer '\(name)'")
        }
        box.markSharingLayers()
        return found
      }
    }
    let made = ModelHandle(try Model.fromJSON(text, sharing: shared))
    if count > 0 { made.markSharingLayers() }
    out.pointee = HandleTable.shared.insert(made, kind: .model)
  }
}

/// `px_model_to_json`: the model's Keras JSON.
@c(px_model_to_json)
public func pxModelToJson(
  _ model: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_model_to_json"
  return guarded(function) {
    let text = try ModelHandle.withModel(model, in: function) { $0.toJSON() }
    try writeString(text, buffer, capacity, needed, in: function)
  }
}

/// `px_model_release`: drops the caller's reference to a model.
@c(px_model_release)
public func pxModelRelease(_ model: OpaquePointer?) {
  HandleTable.shared.release(model, kind: .model)
}

/// `px_model_build`: builds the weights for inputs of `shape` (with the batch axis).
@c(px_model_build)
public func pxModelBuild(_ model: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ rank: Int)
  -> px_status
{
  let function = "px_model_build"
  return guarded(function) {
    let inputShape = try shape(dims, rank: rank, in: function, allowUnknown: true)
    try ModelHandle.withMutableModel(model, in: function) { model in
      if model.built, let built = model.buildShape, built != inputShape {
        throw PlexusError.invalidState(
          context: function,
          message: "model '\(model.name)' is built for inputs of shape \(built), not "
            + "\(inputShape)")
      }
      try model.buildIfNeeded([inputShape])
    }
  }
}

/// `px_model_set_backend`: the model's own backend, or NULL to follow the default.
@c(px_model_set_backend)
public func pxModelSetBackend(_ model: OpaquePointer?, _ backend: UnsafePointer<CChar>?)
  -> px_status
{
  let function = "px_model_set_backend"
  return guarded(function) {
    let name = try backend.map { _ in try string(backend, "backend", in: function) }
    if let name, !Config.availableBackends.contains(name) {
      throw PlexusError.unknownBackend(name: name, available: Config.availableBackends)
    }
    try ModelHandle.withModel(model, in: function) { $0.backend = name }
  }
}

/// `px_model_name`.
@c(px_model_name)
public func pxModelName(
  _ model: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_model_name"
  return guarded(function) {
    let name = try ModelHandle.withModel(model, in: function) { $0.name }
    try writeString(name, buffer, capacity, needed, in: function)
  }
}

/// `px_model_input_count`.
@c(px_model_input_count)
public func pxModelInputCount(_ model: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?)
  -> px_status
{
  let function = "px_model_input_count"
  return guarded(function) {
    let out = try required(outCount, "out_count", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { $0.inputCount }
  }
}

/// `px_model_output_count`.
@c(px_model_output_count)
public func pxModelOutputCount(_ model: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?)
  -> px_status
{
  let function = "px_model_output_count"
  return guarded(function) {
    let out = try required(outCount, "out_count", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { $0.outputCount }
  }
}

/// `px_model_count_params`.
@c(px_model_count_params)
public func pxModelCountParams(_ model: OpaquePointer?, _ outCount: UnsafeMutablePointer<Int>?)
  -> px_status
{
  let function = "px_model_count_params"
  return guarded(function) {
    let out = try required(outCount, "out_count", in: function)
    out.pointee = try ModelHandle.withModel(model, in: function) { model in
      guard model.built else {
        throw PlexusError.invalidState(
          context: function,
          message: "model '\(model.name)' is not built: declare its input, call px_model_build, "
            + "or train it first")
      }
      return model.countParams()
    }
  }
}

/// `px_model_summary`: the summary table into a caller buffer.
@c(px_model_summary)
public func pxModelSummary(
  _ model: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int,
  _ needed: UnsafeMutablePointer<Int>?
) -> px_status {
  let function = "px_model_summary"
  return guarded(function) {
    let text = try ModelHandle.withModel(model, in: function) { $0.summaryText() }
    try writeString(text, buffer, capacity, needed, in: function)
  }
}

/// The layer called `name` in `model`, searched depth first through nested models.
private func layer(named name: String, in model: Layer) -> Layer? {
  for (_, child) in model.sublayers {
    if child.name == name { return child }
    if let found = layer(named: name, in: child) { return found }
  }
  return nil
}

/// `px_model_set_trainable`: Keras's `layer.trainable = ...` on a layer by name, or the model.
/// Allowed from the model's own progress callback, like setting weights: it changes values the
/// next step reads, not the model's structure.
@c(px_model_set_trainable)
public func pxModelSetTrainable(
  _ model: OpaquePointer?, _ layerName: UnsafePointer<CChar>?, _ trainable: Int32
) -> px_status {
  let function = "px_model_set_trainable"
  return guarded(function) {
    let name = try layerName.map { _ in try string(layerName, "layer_name", in: function) }
    try ModelHandle.withModel(model, in: function) { model in
      guard let name else {
        model.trainable = trainable != 0
        return
      }
      guard let target = layer(named: name, in: model) else {
        throw invalidArgument(
          function,
          "model '\(model.name)' has no layer '\(name)'; its layers are "
            + model.layers.map(\.name).joined(separator: ", "))
      }
      target.trainable = trainable != 0
    }
  }
}
