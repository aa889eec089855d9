import Foundation
import Plexus
import Testing

/// A process killed in the middle of `model.save` (or `saveWeights`) over an existing file
/// leaves a file that loads: the old one or the new one, whole, never a mix.
@Suite struct KerasFileCrashTests {
  /// A model large enough (2 MB of weights) that a save takes long enough to be interrupted.
  static func model() throws -> Sequential {
    let model = Sequential(name: "wide") {
      Input(shape: [256])
      Dense(512, activation: .relu, name: "first")
      Dense(512, name: "second")
      Dense(10, name: "out")
    }
    try model.buildFromInput()
    try model.compile(optimizer: "adam", loss: "mse")
    return model
  }

  @Test(arguments: ["model.keras", "model.weights.h5"])
  func killedMidSaveLeavesAWholeFile(_ fileName: String) throws {
    let directory = try KerasFileTests.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/" + fileName
    let model = try Self.model()
    let weightsOnly = fileName.hasSuffix(".weights.h5")
    func save() throws {
      if weightsOnly { try model.saveWeights(path) } else { try model.save(path) }
    }
    func load() throws -> Model {
      if !weightsOnly { return try loadModel(path) }
      let fresh = try Self.model()
      try fresh.loadWeights(path)
      return fresh
    }
    try save()
    let oldKernel = try model.weights[0].value.floats()
    // The child saves the same model with other weights: a loaded file must hold one set whole.
    let newKernel = oldKernel.map { $0 + 1 }
    let started = Date()
    try save()
    let saveSeconds = max(Date().timeIntervalSince(started), 0.002)

    var random = KerasFileFuzzTests.Generator(state: 7)
    var interrupted = 0
    var attempts = 0
    while attempts < 200, interrupted < 25 {
      attempts += 1
      let child = fork()
      if child == 0 {
        // The child: save the changed model over the file until killed.
        try? model.weights[0].assign(Tensor(newKernel, shape: model.weights[0].shape))
        while true { try? save() }
      }
      #expect(child > 0)
      guard child > 0 else { break }
      let delay = Double(random.below(1000)) / 1000 * 3 * saveSeconds
      usleep(useconds_t(delay * 1e6))
      kill(child, SIGKILL)
      var status: Int32 = 0
      waitpid(child, &status, 0)

      let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { $0 != fileName }
      if !leftovers.isEmpty {
        interrupted += 1  // the kill landed while a new file was being written
        for name in leftovers { try FileManager.default.removeItem(atPath: directory + "/" + name) }
      }
      let loaded = try load()
      let kernel = try loaded.weights[0].value.floats()
      #expect(kernel == oldKernel || kernel == newKernel, "attempt \(attempts): a mixed file")
      #expect(loaded.weights.count == model.weights.count)
    }
    print("killed \(attempts) saving processes, \(interrupted) in the middle of a save")
    #expect(interrupted >= 10, "too few kills landed mid-save to show anything")
  }
}
