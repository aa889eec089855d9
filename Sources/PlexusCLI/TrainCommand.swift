import ArgumentParser
import Foundation
import Plexus

/// `plexus train`: the Fashion-MNIST MLP or CNN, or the embedding model of the classic
/// TensorFlow-against-Keras comparison, trained and evaluated on the chosen backend.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train the MLP (Flatten → Dense(hidden, relu) → Dense(10)) or the CNN "
      + "(Conv2D(32, 3, relu) → MaxPooling2D(2) → Conv2D(64, 3, relu) → MaxPooling2D(2) → "
      + "Flatten → Dense(hidden, relu) → Dense(10)) on Fashion-MNIST, or the embedding model "
      + "(Embedding(10000, 64) → Flatten → Dense(64, relu) → Dense(1, sigmoid)) on synthetic "
      + "sequences, and print the test accuracy.")

  /// The three models of the Keras anchors.
  enum Architecture: String, ExpressibleByArgument, CaseIterable {
    case mlp, cnn, embed
  }

  @Option(help: "The model: mlp, cnn or embed.") var model: Architecture = .mlp

  @Option(
    help: "Passes over the training set (default: 10 for the MLP, 3 for the CNN, 5 for embed).")
  var epochs: Int?
  @Option(help: "Samples per step (default: 32 for the MLP, 128 for the CNN and embed).")
  var batchSize: Int?
  @Option(help: "Adam's learning rate.") var learningRate = 1e-3
  @Option(help: "Units of the hidden layer.") var hidden = 128
  @Option(
    help:
      "Backend to train on (see `plexus backends`; default: $PLEXUS_BACKEND, else the default backend)."
  )
  var backend: String?
  @Option(help: "Random seed for weights and shuffling.") var seed: UInt64 = 1234
  @Option(
    help: ArgumentHelp(
      "Load a backend plugin (a shared library) before running; repeat for several. Select it "
        + "with --backend (also: PLEXUS_PLUGINS=name:path,...)."))
  var plugin: [String] = []
  @Option(help: "Threads for every backend (default: one per core).") var threads: Int?
  @Option(help: "Fraction of the training set held out for validation.") var validationSplit = 0.0
  @Option(help: "0 silent, 1 progress bar, 2 one line per epoch (default: 1 on a terminal).")
  var verbose: Int?
  @Option(help: "Directory with the Fashion-MNIST IDX files.") var data: String?
  @Flag(help: "Profile training: print the per-op table and write a Chrome trace.")
  var profile = false
  @Option(help: "Where --profile writes its Chrome trace (open it in Perfetto).")
  var trace = "plexus-trace.json"
  @Option(help: "Save the trained model to this .keras file (it opens in Keras 3).")
  var save: String?
  @Flag(help: "Run every step eagerly, op by op, instead of compiled (capture and replay).")
  var eager = false
  @Option(help: "The dtype policy: float32, or mixed_bfloat16 (bfloat16 compute, float32 weights).")
  var dtypePolicy = "float32"
  @Option(
    help: ArgumentHelp(
      "Train data-parallel on N processes of this machine: runs this command again under "
        + "mpirun (Open MPI), each rank on its slice of every batch, the cores divided among them.")
  )
  var dataParallel: Int?
  @Flag(help: .hidden) var distributed = false

  func run() throws {
    if let ranks = dataParallel {
      guard (1...1024).contains(ranks) else {
        throw ValidationError("--data-parallel takes 1 to 1024 processes, received \(ranks)")
      }
      throw ExitCode(try MPILaunch.run(ranks: ranks, command: relaunchCommand(ranks: ranks)))
    }
    let parallel = distributed ? try DataParallel() : nil
    Config.setDistribution(parallel)
    let chief = parallel?.isChief ?? true
    let verbose = chief ? self.verbose : 0
    do {
      try train(parallel: parallel, chief: chief, verbose: verbose)
    } catch {
      // The other ranks wait in a collective: they stop with this error, naming this rank.
      parallel?.announceFailure(error)
      if let parallel, parallel.processCount > 1, !parallel.failedElsewhere {
        // Said here too: mpirun may end the other ranks before they print the notice. A rank
        // stopped by another's failure leaves the report to that one.
        let text = "rank \(parallel.rank) of \(parallel.processCount) failed: \(error)\n"
        FileHandle.standardError.write(Data(text.utf8))
      }
      throw error
    }
  }

  /// The training itself, on this process (one rank of `parallel`).
  private func train(parallel: DataParallel?, chief: Bool, verbose: Int?) throws {
    for path in plugin { try Plugins.load(path: path) }
    if let threads {
      try Config.setThreads(threads)
    } else if (parallel?.processCount ?? 1) == 1 {
      try Config.setThreads(ProcessInfo.processInfo.activeProcessorCount)
    }  // else DataParallel divided the cores among the ranks
    if let name = backend ?? ProcessInfo.processInfo.environment["PLEXUS_BACKEND"] {
      try Config.setBackend(name)
    }
    setRandomSeed(seed)
    try Config.setDTypePolicy(DTypePolicy(name: dtypePolicy))

    let epochs = self.epochs ?? [.mlp: 10, .cnn: 3, .embed: 5][self.model, default: 1]
    let batchSize = self.batchSize ?? (self.model == .mlp ? 32 : 128)
    let model = Self.build(self.model, hidden: hidden, pixels: .uint8)
    if verbose != 0, chief { model.summary() }
    let xTrain: Tensor
    let yTrain: Tensor
    let xTest: Tensor
    let yTest: Tensor
    if self.model == .embed {
      // keras_bench.py's sizes: 25,000 training and 5,000 test sequences.
      let train = try EmbedData(samples: 25_000, seed: seed)
      let test = try EmbedData(samples: 5_000, seed: seed + 1)
      (xTrain, yTrain, xTest, yTest) = (train.ids, train.labels, test.ids, test.labels)
      try model.compile(
        optimizer: Adam(learningRate: learningRate), loss: BinaryCrossentropy(),
        metrics: ["accuracy"])
    } else {
      // The images stay uint8 (47 MB, not 188 MB of floats); the model's Rescaling layer
      // scales each batch.
      ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.load(directory: data)
      try model.compile(
        optimizer: Adam(learningRate: learningRate),
        loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
    }

    model.runEagerly = eager
    let start = Date()
    Dispatcher.resetStatistics()
    let timer = EpochTimer()
    let (_, report) = try profiled {
      try model.fit(
        xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose,
        callbacks: [timer], validationSplit: validationSplit)
    }
    let seconds = Date().timeIntervalSince(start)
    let results = try model.evaluate(xTest, yTest, batchSize: 256, verbose: verbose)
    guard chief else { return }
    if let parallel {
      let (calls, allReduce) = parallel.allReduceStatistics
      print(
        "Data-parallel: \(parallel.processCount) processes, \(Config.threads) threads each; "
          + "gradient all-reduce \(String(format: "%.3f", allReduce / Double(max(calls, 1)) * 1e3)) "
          + "ms per step on process 0 (\(calls) steps, \(String(format: "%.1f", allReduce)) s)")
    }
    let steps = model.compilationStatistics["train"] ?? CompilationStatistics()
    print(
      eager
        ? "Steps ran eagerly (--eager)"
        : "Steps compiled: \(steps.captures) captures, \(steps.replays) replays, "
          + "\(steps.eagerCalls) eager (warm-ups)"
          + (steps.refusal.map { "; eager because \($0)" } ?? ""))
    // As keras_bench.py reports: the median of epochs 2...N (the first warms up and captures).
    let steady = timer.seconds.dropFirst().sorted()
    if !steady.isEmpty {
      let median = steady[steady.count / 2]
      print("Median epoch after the first: \(String(format: "%.3f", median)) s")
      let samples = Double(xTrain.shape[0]) * (1 - validationSplit)
      print("Samples per second: \(String(format: "%.0f", samples / median))")
    }
    if let report {
      print("\nOps run during fit (\(report.totalCalls) calls):")
      print(report.table())
      try report.writeChromeTrace(to: trace)
      print("Chrome trace: \(trace) (open in Perfetto or chrome://tracing)\n")
    }
    let accuracy = results["accuracy"] ?? .nan
    let loss = results["loss"] ?? .nan
    print(
      "Trained \(epochs) epochs on \(Config.backend) in \(String(format: "%.1f", seconds)) s "
        + "(\(String(format: "%.3f", seconds / Double(max(epochs, 1)))) s/epoch)")
    print("Test loss: \(String(format: "%.4f", loss))")
    print("Test accuracy: \(String(format: "%.4f", accuracy))")
    print("Peak memory: \(PeakMemory.mebibytes()) MiB")
    print(Self.whereOpsRan(Dispatcher.statistics(), backend: Config.backend))
    if let save {
      try model.save(save)
      print("Saved to \(save)")
    }
  }

  /// This command's arguments for each rank: the same, less `--data-parallel`, plus
  /// `--distributed` and the rank's share of the cores as `--threads` (unless given).
  private func relaunchCommand(ranks: Int) -> [String] {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if let index = arguments.firstIndex(where: { $0 == "--data-parallel" }),
      index + 1 < arguments.count
    {
      arguments.removeSubrange(index...(index + 1))
    }
    arguments.removeAll { $0.hasPrefix("--data-parallel=") }
    if arguments.first != "train" { arguments.insert("train", at: 0) }
    arguments.append("--distributed")
    if threads == nil { arguments += ["--threads", "\(MPILaunch.threadsPerRank(ranks))"] }
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let resolved =
      FileManager.default.isExecutableFile(atPath: executable)
      ? executable : (Bundle.main.executablePath ?? CommandLine.arguments[0])
    return [resolved] + arguments
  }

  /// The anchors' MLP or CNN (on 28×28 images; the CNN adds the channel axis itself). With
  /// `pixels: .uint8` the model takes the images as stored and scales them by 1/255 in a
  /// `Rescaling` layer first (a preprocessing step without weights); with `.float32` it takes
  /// images already scaled to [0, 1].
  static func build(
    _ architecture: Architecture, hidden: Int = 128, pixels: DType = .float32
  ) -> Sequential {
    switch architecture {
    case .mlp:
      Sequential(name: "fashion_mlp") {
        Input(shape: [28, 28], dtype: pixels)
        if pixels == .uint8 { Rescaling(1.0 / 255) }
        Flatten()
        Dense(hidden, activation: .relu)
        Dense(10)
      }
    case .cnn:
      Sequential(name: "fashion_cnn") {
        Input(shape: [28, 28], dtype: pixels)
        if pixels == .uint8 { Rescaling(1.0 / 255) }
        Reshape([28, 28, 1])
        Conv2D(32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(64, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Flatten()
        Dense(hidden, activation: .relu)
        Dense(10)
      }
    case .embed:
      Sequential(name: "embed") {
        Input(shape: [100], dtype: .int32)
        Embedding(10_000, 64)
        Flatten()
        Dense(64, activation: .relu)
        Dense(1, activation: .sigmoid)
      }
    }
  }

  /// Runs `body` under a profiler when `--profile` is given.
  private func profiled<R>(_ body: () throws -> R) throws -> (R, ProfileReport?) {
    guard profile else { return (try body(), nil) }
    let (result, report) = try Profiler.profile(body)
    return (result, report)
  }

  /// One line saying where training and evaluation ran: the ops `backend` ran most, and how
  /// many fell back to the reference backend.
  static func whereOpsRan(_ statistics: DispatchStatistics, backend: String) -> String {
    let ran = statistics.dispatches[backend, default: [:]].sorted { $0.value > $1.value }
    let fell = statistics.fallbacks[backend, default: [:]].sorted { $0.value > $1.value }
    let top = ran.prefix(6).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    let fallbacks = fell.prefix(4).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return "Ops run on \(backend): \(ran.reduce(0) { $0 + $1.value }) (\(top)); fell back to the "
      + "reference backend: \(fell.reduce(0) { $0 + $1.value })"
      + (fell.isEmpty ? "" : " (\(fallbacks))")
  }
}
