import BackendProtocol
import CPlexusSupport
import Plexus

/// `px_layer_create`: a layer from its Keras class name and config JSON.
@c(px_layer_create)
public func pxLayerCreate(
  _ className: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
  _ outLayer: UnsafeMutablePointer<OpaquePointer?>?
) -> px_status {
  let function = "px_layer_create"
  return guarded(function) {
    let out = try required(outLayer, "out_layer", in: function)
    let name = try string(className, "class_name", in: function)
    var config = ConfigValue.object([:])
    if configJSON != nil {
      let text = try string(configJSON, "config_json", in: function)
      do {
        config = try ConfigValue(json: text)
      } catch {
        throw invalidArgument(function, "config_json is not valid JSON: \(error)")
      }
      guard config.objectValue != nil else {
        throw invalidArgument(
          function, "config_json must be a JSON object (a layer's get_config()), received \(text)")
      }
    }
    let layer = try Layer.fromConfig(.object(["class_name": .string(name), "config": config]))
    out.pointee = HandleTable.shared.insert(LayerHandle(layer), kind: .layer)
  }
}

/// `px_layer_release`: drops the caller's reference to a layer.
@c(px_layer_release)
public func pxLayerRelease(_ layer: OpaquePointer?) {
  HandleTable.shared.release(layer, kind: .layer)
}
