import ArgumentParser
import Foundation
import Plexus

/// `plexus train`: the Fashion-MNIST MLP, trained and evaluated on the chosen backend.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train Flatten → Dense(hidden, relu) → Dense(10) on Fashion-MNIST and print the "
      + "test accuracy.")

  @Option(help: "Passes over the training set.") var epochs = 10
  @Option(help: "Samples per step.") var batchSize = 32
  @Option(help: "Adam's learning rate.") var learningRate = 1e-3
  @Option(help: "Units of the hidden layer.") var hidden = 128
  @Option(
    help:
      "Backend to train on (see `plexus backends`; default: $PLEXUS_BACKEND, else the default backend)."
  )
  var backend: String?
  @Option(help: "Random seed for weights and shuffling.") var seed: UInt64 = 1234
  @Option(help: "Threads for every backend (default: one per core).") var threads: Int?
  @Option(help: "Fraction of the training set held out for validation.") var validationSplit = 0.0
  @Option(help: "0 silent, 1 progress bar, 2 one line per epoch (default: 1 on a terminal).")
  var verbose: Int?
  @Option(help: "Directory with the Fashion-MNIST IDX files.") var data: String?
  @Flag(help: "Profile training: print the per-op table and write a Chrome trace.")
  var profile = false
  @Option(help: "Where --profile writes its Chrome trace (open it in Perfetto).")
  var trace = "plexus-trace.json"

  func run() throws {
    try Config.setThreads(threads ?? ProcessInfo.processInfo.activeProcessorCount)
    if let name = backend ?? ProcessInfo.processInfo.environment["PLEXUS_BACKEND"] {
      try Config.setBackend(name)
    }
    setRandomSeed(seed)

    let ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.loadNormalized(directory: data)
    let model = Sequential(name: "fashion_mlp") {
      Input(shape: [28, 28])
      Flatten()
      Dense(hidden, activation: .relu)
      Dense(10)
    }
    if verbose != 0 { model.summary() }
    try model.compile(
      optimizer: Adam(learningRate: learningRate),
      loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])

    let start = Date()
    let (_, report) = try profiled {
      try model.fit(
        xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose,
        validationSplit: validationSplit)
    }
    let seconds = Date().timeIntervalSince(start)
    if let report {
      print("\nOps run during fit (\(report.totalCalls) calls):")
      print(report.table())
      try report.writeChromeTrace(to: trace)
      print("Chrome trace: \(trace) (open in Perfetto or chrome://tracing)\n")
    }
    let results = try model.evaluate(xTest, yTest, batchSize: 256, verbose: verbose)
    let accuracy = results["accuracy"] ?? .nan
    let loss = results["loss"] ?? .nan
    print(
      "Trained \(epochs) epochs on \(Config.backend) in \(String(format: "%.1f", seconds)) s "
        + "(\(String(format: "%.3f", seconds / Double(max(epochs, 1)))) s/epoch)")
    print("Test loss: \(String(format: "%.4f", loss))")
    print("Test accuracy: \(String(format: "%.4f", accuracy))")
    print("Peak memory: \(PeakMemory.mebibytes()) MiB")
  }

  /// Runs `body` under a profiler when `--profile` is given.
  private func profiled<R>(_ body: () throws -> R) throws -> (R, ProfileReport?) {
    guard profile else { return (try body(), nil) }
    let (result, report) = try Profiler.profile(body)
    return (result, report)
  }
}
