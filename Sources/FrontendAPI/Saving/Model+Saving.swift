extension Model {
  /// Saves the model as a Keras 3 `.keras` file: its architecture, its weights, its
  /// `compile` settings and its optimizer's state, so that training resumes exactly after
  /// ``loadModel(_:compile:)``. The file opens in Keras 3 (`keras.saving.load_model`).
  ///
  /// The write is atomic: the new file is written beside `path`, flushed, then renamed over it,
  /// so a process killed mid-save leaves the old file intact. Equivalent to `model.save(path)`.
  ///
  /// ```swift
  /// try model.save("classifier.keras")
  /// let restored = try loadModel("classifier.keras")
  /// ```
  public func save(_ path: String) throws {
    try KerasFile.save(self, to: path)
  }

  /// Saves only the state (every variable, and the optimizer's when compiled) as a Keras 3
  /// `.weights.h5` file, atomically. Equivalent to `model.save_weights(path)`.
  public func saveWeights(_ path: String) throws {
    let context = "Model '\(name)'.saveWeights"
    try KerasFile.checkExtension(path, ".weights.h5", context: context)
    let file = try HDF5File.create(label: path)
    try KerasWeights.write(self, to: file)
    try AtomicFile.write(try file.image(), to: path, context: context)
  }

  /// Loads the state saved by ``saveWeights(_:)`` or Keras's `save_weights` (a `.weights.h5`
  /// file), or the weights of a `.keras` file, into this model, which must have the same
  /// structure: every layer's variables must match in number and shape, or nothing is loaded.
  /// The optimizer's state is loaded too when the model is compiled and the file has it.
  /// A legacy `.h5` file (Keras 2's `save_weights("w.h5")`, or a whole model saved as `.h5`)
  /// loads layer by layer, the layers with weights matched in order, as Keras's legacy loader
  /// matches them.
  /// Equivalent to `model.load_weights(path)`.
  public func loadWeights(_ path: String) throws {
    let context = "Model '\(name)'.loadWeights"
    let image: [UInt8]
    if path.hasSuffix(".keras") {
      let archive = try ZipArchive.Reader(path: path)
      guard
        let bytes = try archive.read(KerasFile.weightsName, limit: KerasFile.weightsLimit)
      else {
        throw PlexusError.invalidArgument(
          context: context, message: "'\(path)' has no \(KerasFile.weightsName)")
      }
      image = bytes
    } else if LegacyH5.isLegacyPath(path) {
      try LegacyH5.loadWeights(into: self, path: path, context: context)
      return
    } else {
      try KerasFile.checkExtension(path, ".weights.h5", context: context)
      image = try AtomicFile.read(path, limit: KerasFile.weightsLimit, context: context)
    }
    let file = try HDF5File.open(image: image, label: path)
    try KerasWeights.read(into: self, from: file)
  }
}

/// Loads a model saved as a `.keras` file by ``Model/save(_:)`` or by Keras 3
/// (`model.save("m.keras")`): architecture, weights and, when `compile` is true and the file
/// was saved compiled, the `compile` settings and the optimizer's state. A legacy `.h5` (or
/// `.hdf5`) file of Keras 2 (tf.keras) or Keras 3 loads too: architecture, weights and the
/// `compile` settings, with a fresh optimizer.
///
/// Loading runs no code: only registered classes resolve, so a `Lambda` layer or a class
/// nobody registered is refused with an error naming it and how to register it (Keras's
/// `safe_mode`). A damaged zip, JSON or HDF5 file is an error, never a crash.
/// Equivalent to `keras.saving.load_model(path, compile=compile)`.
public func loadModel(_ path: String, compile: Bool = true) throws -> Model {
  if LegacyH5.isLegacyPath(path) { return try LegacyH5.load(path, compile: compile) }
  return try KerasFile.load(path, compile: compile)
}
