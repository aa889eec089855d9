import Plexus

/// The text of the error `body` throws, or nil when it returns: for checking that a bad
/// argument gives an error (never a trap) that names the layer.
func thrownText<T>(_ body: () throws -> T) -> String? {
  do {
    _ = try body()
    return nil
  } catch let error as PlexusError {
    return error.description
  } catch {
    return "\(error)"
  }
}

/// The serialized form of `layer` with `key` of its config replaced by `value`.
func serialized(_ layer: Layer, setting key: String, to value: ConfigValue) -> ConfigValue {
  var object = layer.serialized.value.objectValue ?? [:]
  var config = object["config"]?.objectValue ?? [:]
  config[key] = value
  object["config"] = .object(config)
  return .object(object)
}
