import Plexus

/// What a `px_layer` handle holds: a layer, and the model it went into, if any.
final class LayerHandle {
  let layer: Layer
  /// The name of the model the layer was added to (a layer goes into one model only).
  var addedTo: String?

  init(_ layer: Layer) {
    self.layer = layer
  }

  /// The handle object behind a live `px_layer` handle.
  static func box(_ handle: OpaquePointer?, in function: String) throws -> LayerHandle {
    let object = try HandleTable.shared.object(
      handle, kind: .layer, argument: "layer", function: function)
    guard let box = object as? LayerHandle else {
      throw invalidArgument(function, "layer is not a px_layer handle")
    }
    return box
  }
}
