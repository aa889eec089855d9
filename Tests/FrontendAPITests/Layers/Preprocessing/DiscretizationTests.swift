import Foundation
import Plexus
import Testing

/// Discretization against Keras 3 (the fixtures of `Tests/Fixtures/KerasDiscretization`, written
/// by its generate.sh): Keras's configs rebuild and predict what Keras predicted, and `adapt`
/// on Keras's batches learns Keras's boundaries. Then hand-worked bins, a model that trains
/// and saves through the layer, and clear errors.
@Suite struct DiscretizationTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Preprocessing
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasDiscretization")

  static func cases() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// A fixture tensor: its dtype, shape and values (NaN and ±∞ are written as strings).
  static func tensor(_ value: ConfigValue?) throws -> Tensor {
    guard let dims = value?["shape"]?.shapeValue, let entries = value?["values"]?.arrayValue,
      let dtype = value?["dtype"]?.stringValue
    else { throw PlexusError.invalidState(context: "fixture", message: "not a tensor") }
    let numbers = entries.map { entry -> Double in
      switch entry.stringValue {
      case "nan": .nan
      case "inf": .infinity
      case "-inf": -.infinity
      default: entry.doubleValue ?? .nan
      }
    }
    switch dtype {
    case "int32": return try Tensor(numbers.map { Int32($0) }, shape: Shape(dims))
    case "float32": return try Tensor(numbers.map { Float($0) }, shape: Shape(dims))
    default:
      throw PlexusError.invalidState(context: "fixture", message: "dtype \(dtype)")
    }
  }

  static func load(_ name: String) throws -> ConfigValue {
    try ConfigValue(
      json: String(
        contentsOf: directory.appendingPathComponent(name + ".json"), encoding: .utf8))
  }

  @Test func everyFixtureIsRead() {
    #expect(Self.cases().count == 21)
  }

  @Test(arguments: cases())
  func kerasConfigPredictsWhatKerasPredicted(_ name: String) throws {
    let fixture = try Self.load(name)
    let layer = try Layer.fromConfig(try #require(fixture["layer"]))
    let x = try Self.tensor(fixture["input"])
    let expected = try Self.tensor(fixture["output"])
    let y = try layer(x)
    #expect(y.shape == expected.shape && y.dtype == expected.dtype)
    #expect(try y.floats() == expected.floats())
    // The config written back is Keras's.
    let written = layer.config
    let kerasConfig = try #require(fixture["layer"]?["config"])
    #expect(Set(written.keys) == Set(kerasConfig.objectValue?.keys ?? [:].keys), "\(name)")
    for key in ["bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse", "dtype"] {
      #expect(written[key] == kerasConfig[key], "\(name): \(key)")
    }
  }

  @Test(arguments: cases().filter { $0.hasPrefix("adapt") })
  func adaptLearnsKerasBoundaries(_ name: String) throws {
    let fixture = try Self.load(name)
    let config = try #require(fixture["layer"]?["config"])
    let mode = try #require(
      Discretization.OutputMode(rawValue: config["output_mode"]?.stringValue ?? ""))
    let layer = try Discretization(
      numBins: try #require(config["num_bins"]?.intValue),
      epsilon: try #require(config["epsilon"]?.doubleValue), outputMode: mode)
    let batches = try (fixture["adapt_batches"]?.arrayValue ?? []).map { try Self.tensor($0) }
    try layer.adapt(batches: batches)
    let kerasBoundaries = (fixture["bin_boundaries"]?.arrayValue ?? []).compactMap(\.doubleValue)
    #expect(layer.binBoundaries == kerasBoundaries, "\(name)")
    let expected = try Self.tensor(fixture["output"])
    #expect(try layer(Self.tensor(fixture["input"])).floats() == expected.floats())
  }

  @Test func bucketsByHand() throws {
    let layer = try Discretization(binBoundaries: [0, 1, 2])
    let x = try Tensor([Float(-1.5), 1, 3.4, 0.5, 0, 3, 1.3, 0], shape: [2, 4])
    let bins = try layer(x)
    #expect(bins.dtype == .int32 && bins.shape == [2, 4])
    #expect(try bins.scalars(Int32.self) == [0, 2, 3, 1, 1, 3, 2, 1])
    // NaN lands past every ascending boundary, before every descending one.
    let special = try Tensor([Float.nan, -.infinity, .infinity], shape: [3])
    #expect(try layer(special).scalars(Int32.self) == [3, 0, 3])
    let descending = try Discretization(binBoundaries: [2, 1, 0])
    #expect(try descending(special).scalars(Int32.self) == [0, 3, 0])
    #expect(try descending(x).scalars(Int32.self) == [3, 1, 0, 2, 2, 0, 1, 2])
    // No boundaries: one bin. Integer and Boolean inputs compare as float32.
    #expect(
      try Discretization(binBoundaries: [])(x).scalars(Int32.self) == Array(repeating: 0, count: 8))
    let ints = try Tensor([Int32(-3), 1, 7], shape: [3])
    #expect(try layer(ints).scalars(Int32.self) == [0, 2, 3])
    let counted = try Discretization(binBoundaries: [0, 1], outputMode: .count)(
      Tensor([Float(0.5), 0.5, 4, -2], shape: [1, 4]))
    #expect(counted.shape == [1, 3])
    #expect(try counted.floats() == [1, 2, 1])
  }

  @Test func adaptLearnsEqualCountBins() throws {
    let layer = try Discretization(numBins: 4)
    try layer.adapt(Tensor((0..<400).map { Float($0) }, shape: [400]))
    let boundaries = try #require(layer.binBoundaries)
    #expect(boundaries.count == 3)
    // The quartiles of 0…399, to within the summary's 1% of the range.
    for (learned, quartile) in zip(boundaries, [100.0, 200.0, 300.0]) {
      #expect(abs(learned - quartile) <= 4, "\(boundaries)")
    }
    let counts = try Discretization(
      binBoundaries: boundaries, outputMode: .count)(
        Tensor((0..<400).map { Float($0) }, shape: [1, 400])
      ).floats()
    #expect(counts.allSatisfy { abs($0 - 100) <= 4 }, "\(counts)")
    // Adapting again forgets the first data.
    try layer.adapt(Tensor([Float(-3), -2, -1, 0, 1, 2, 3, 4], shape: [8]))
    #expect((layer.binBoundaries ?? []).allSatisfy { $0 < 5 })
  }

  @Test func trainsAndSavesInAModel() throws {
    let input = Input(shape: [3])
    let buckets = try Discretization(numBins: 4, outputMode: .oneHot, name: "buckets")
    try buckets.adapt(Tensor((0..<60).map { Float($0 % 13) - 6 }, shape: [20, 3]))
    let encoded = try buckets(input)
    #expect(encoded.shape == [-1, 3, 4])
    let output = try Dense(1, name: "score")(Flatten()(encoded))
    let model = try Model(inputs: input, outputs: output)
    try model.compile(optimizer: Adam(learningRate: 0.05), loss: MeanSquaredError())
    let x = try Tensor((0..<24).map { Float($0 % 7) - 3 }, shape: [8, 3])
    let y = try Tensor((0..<8).map { Float($0 % 2) }, shape: [8, 1])
    let history = try model.fit(x, y, batchSize: 4, epochs: 3, verbose: 0)
    let losses = try #require(history.history["loss"])
    #expect(losses.count == 3 && losses[2] < losses[0])
    try KerasFileExportTests.record(model, inputs: [x], name: "plexus_discretization")
    let copy = try Layer.fromConfig(buckets.serialized.value)
    let probe = try Tensor([Float(-6), 0, 6], shape: [1, 3])
    #expect(try copy(probe).floats() == buckets(probe).floats())
  }

  @Test func refusesBadArgumentsClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    #expect(error { try Discretization(binBoundaries: [0, .nan]) }.contains("must not hold NaN"))
    #expect(
      error { try Discretization(binBoundaries: [0, 2, 1]) }.contains(
        "ascending or descending"))
    for bins in [0, -1, Int.min, Int.max] {
      #expect(error { try Discretization(numBins: bins) }.contains("num_bins must be >= 1"))
    }
    for epsilon in [0, -0.5, 1.5, .nan, .infinity] {
      #expect(
        error { try Discretization(numBins: 3, epsilon: epsilon) }.contains("epsilon"))
    }
    let unadapted = try Discretization(numBins: 3, name: "pending")
    let x = try Tensor([Float(1)], shape: [1, 1])
    #expect(error { try unadapted(x) }.contains("call adapt(_:) first"))
    #expect(error { try unadapted(x) }.contains("pending"))
    #expect(
      error { try unadapted.adapt(Tensor([Float(1), .nan], shape: [2])) }.contains(
        "NaN or infinity"))
    #expect(
      error { try unadapted.adapt(Tensor([Float](), shape: [0])) }.contains("needs data"))
    #expect(error { try unadapted.adapt(batches: []) }.contains("needs data"))
    let given = try Discretization(binBoundaries: [1])
    #expect(error { try given.adapt(x) }.contains("made with bin_boundaries"))
    // Configs Keras would not write.
    func config(_ settings: [String: ConfigValue]) -> ConfigValue {
      ["class_name": "Discretization", "config": .object(settings.merging(["name": "d"]) { $1 })]
    }
    #expect(error { try Layer.fromConfig(config([:])) }.contains("bin_boundaries"))
    #expect(
      error { try Layer.fromConfig(config(["bin_boundaries": "1, 2"])) }.contains(
        "bin_boundaries"))
    #expect(
      error {
        try Layer.fromConfig(config(["bin_boundaries": [1], "output_mode": "tf_idf"]))
      }.contains("output_mode"))
    #expect(
      error {
        try Layer.fromConfig(
          config(["bin_boundaries": [1], "output_mode": "count", "sparse": true]))
      }.contains("sparse"))
  }
}
