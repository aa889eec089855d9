import Foundation

/// Keras 3's `.keras` format: a zip holding `metadata.json`, `config.json` (the model as
/// `serialize_keras_object` writes it, with `build_config` and `compile_config`) and
/// `model.weights.h5` (``KerasWeights``). Files written here open in Keras 3
/// (`keras.saving.load_model`), and files Keras writes open here.
enum KerasFile {
  static let configName = "config.json"
  static let metadataName = "metadata.json"
  static let weightsName = "model.weights.h5"
  /// The Keras release whose format these files follow, written as `keras_version`.
  static let formatVersion = "3.15.1"
  /// The largest `config.json` or `metadata.json` accepted.
  static let jsonLimit = 64 << 20
  /// The largest weights file accepted (a model of 4 G float32 parameters).
  static let weightsLimit = 16 << 30

  static func checkExtension(_ path: String, _ suffix: String, context: String) throws {
    guard path.hasSuffix(suffix), path.count > suffix.count else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "the file name must end in '\(suffix)', received '\(path)'")
    }
  }

  /// Writes `model` to `path` atomically: a process killed mid-save leaves the old file whole.
  static func save(_ model: Model, to path: String) throws {
    let context = "Model '\(model.name)'.save"
    try checkExtension(path, ".keras", context: context)
    let weights = try HDF5File.create(label: weightsName)
    try KerasWeights.write(model, to: weights)
    let members = [
      ZipArchive.Member(
        name: metadataName, bytes: Array(metadata().jsonString().utf8), compressed: true),
      ZipArchive.Member(
        name: configName, bytes: Array(model.modelSerialized.value.jsonString().utf8),
        compressed: true),
      ZipArchive.Member(name: weightsName, bytes: try weights.image(), compressed: false),
    ]
    try AtomicFile.replace(path, context: context) { temporary in
      try ZipArchive.write(members, to: temporary)
    }
  }

  private static func metadata() -> ConfigValue {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd@HH:mm:ss"
    return [
      "keras_version": .string(formatVersion),
      "date_saved": .string(formatter.string(from: Date())),
    ]
  }

  /// Reads the model in the `.keras` file at `path`.
  static func load(_ path: String, compile: Bool) throws -> Model {
    let context = "loadModel('\(path)')"
    let archive = try ZipArchive.Reader(path: path)
    guard let configBytes = try archive.read(configName, limit: jsonLimit) else {
      throw PlexusError.invalidArgument(
        context: context, message: "the archive has no \(configName); is it a .keras file?")
    }
    guard let text = String(validating: configBytes, as: UTF8.self) else {
      throw PlexusError.invalidArgument(
        context: context, message: "\(configName) is not UTF-8 text")
    }
    var value = try ConfigValue(json: text)
    if !compile, case .object(var members) = value {
      members["compile_config"] = nil
      value = .object(members)
    }
    let model = try Model.fromSerialized(value)
    guard let weightBytes = try archive.read(weightsName, limit: weightsLimit) else {
      if archive.names.contains(where: { $0.hasSuffix(".npz") || $0.hasPrefix("model.weights") }) {
        throw PlexusError.invalidArgument(
          context: context,
          message: "its weights are not in \(weightsName) (sharded or .npz weights are not "
            + "supported); save it in Keras with the default weights_format='h5'")
      }
      throw PlexusError.invalidArgument(
        context: context, message: "the archive has no \(weightsName)")
    }
    let weights = try HDF5File.open(image: weightBytes, label: "\(path) \(weightsName)")
    try KerasWeights.read(into: model, from: weights, includeOptimizer: compile)
    return model
  }
}
