/// The settings every layer config holds — `name`, `trainable`, `dtype` — read once for all
/// layer factories, built-in and custom.
///
/// ```swift
/// Layer.registry.register("Scale") { config in
///   let settings = try LayerSettings(config)
///   return try settings.finish(config, Scale(factor: try config.double("factor"),
///                                            name: settings.name))
/// }
/// ```
public struct LayerSettings {
  /// `name` (nil: the layer names itself).
  public let name: String?
  /// `trainable`.
  public let trainable: Bool
  /// `dtype`: `float32` or `mixed_bfloat16`.
  public let dtype: DTypePolicy

  /// Reads the shared settings; a dtype policy Plexus does not support is an error.
  public init(_ config: ConfigReader) throws {
    name = try config.name()
    trainable = try config.bool("trainable", default: true)
    dtype = try DTypePolicy(config.value("dtype") ?? .null)
    try dtype.requireSupported("\(config.className) config")
  }

  /// Rejects unknown keys, applies `trainable` and `dtype` to `layer` and returns it.
  public func finish(_ config: ConfigReader, _ layer: Layer) throws -> Layer {
    try config.finish()
    if !trainable { layer.trainable = false }
    layer.setDTypePolicy(dtype, includingSublayers: false)
    return layer
  }
}
