/// An `InputLayer` as Keras writes it in a model config: Plexus's ``Input``, which is a
/// symbolic tensor rather than a layer, in Keras's shape.
struct InputLayerConfig {
  let name: String
  /// The batch shape, batch axis first (-1 when unknown).
  let shape: Shape
  let dtype: DType

  init(name: String, shape: Shape, dtype: DType) {
    self.name = name
    self.shape = shape
    self.dtype = dtype
  }

  init(_ input: Input) {
    self.init(name: input.name, shape: input.shape, dtype: input.dtype)
  }

  /// Reads `{"class_name": "InputLayer", "config": {"batch_shape", "dtype", ...}}`.
  init(_ value: ConfigValue) throws {
    let object = try SerializedObject(value, kind: "InputLayer")
    let config = try object.reader()
    guard let dims = config.value("batch_shape")?.shapeValue, !dims.isEmpty else {
      throw config.mismatch("batch_shape", "a shape with a batch axis")
    }
    let dtypeName = try config.string("dtype", default: "float32")
    guard let dtype = DType(name: dtypeName) else {
      throw config.mismatch("dtype", "a dtype name such as 'float32'")
    }
    let reason = "Plexus inputs are dense and required"
    try config.requireDefault("sparse", false, reason: reason)
    try config.requireDefault("ragged", false, reason: reason)
    try config.requireDefault("optional", false, reason: reason)
    let name = try config.name() ?? value["name"]?.stringValue ?? "input_layer"
    try config.finish()
    self.init(name: name, shape: Shape(dims), dtype: dtype)
  }

  /// The Keras serialization.
  var serialized: SerializedObject {
    SerializedObject(
      module: "keras.layers", className: "InputLayer",
      config: [
        "batch_shape": .shape(shape.dims), "dtype": .string(dtype.description), "sparse": false,
        "ragged": false, "name": .string(name), "optional": false,
      ])
  }

  /// The ``Input`` it describes.
  func makeInput() -> Input {
    let batch = shape.dims.first.flatMap { $0 < 0 ? nil : $0 }
    return Input(
      shape: Shape(Array(shape.dims.dropFirst())), batchSize: batch, dtype: dtype, name: name)
  }
}
