import ArgumentParser
import Foundation
import Plexus

/// `plexus bench`: backends side by side in one run — sgemm throughput and MLP training time.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract:
      "Benchmark the backends side by side: sgemm GFLOP/s, the CNN's convolutions, the "
      + "per-step overhead and MLP seconds per epoch.")

  @Option(parsing: .upToNextOption, help: "Square sgemm sizes.") var sizes: [Int] = [128, 1024]
  @Option(parsing: .upToNextOption, help: "Backends to compare.")
  var backends: [String] = ["reference", "openblas"]
  @Option(help: "Threads for every backend (default: one per core).") var threads: Int?
  @Option(help: "MLP epochs per backend; the first is warm-up, the median of the rest is reported.")
  var mlpEpochs = 3
  @Option(help: "MLP batch size.") var batchSize = 32
  @Option(
    help: "CNN epochs per backend (batch 128; the first is warm-up when there are more; 0 skips).")
  var cnnEpochs = 2
  @Flag(help: "Skip the MLP benchmarks (training and predict).") var noMlp = false
  @Flag(help: "Skip the sgemm benchmark (to profile the rest).") var noSgemm = false
  @Flag(help: "Skip the convolution benchmark (the CNN's two convolutions at batch 128).")
  var noConv = false
  @Option(help: "The predict benchmark's dtype policy: float32 or mixed_bfloat16.")
  var dtypePolicy = "float32"
  @Flag(help: "Skip the frontend-cost benchmark (a tiny model's step, eager and replayed).")
  var noReplay = false
  @Flag(help: "Print one JSON object per line instead of a table.") var json = false
  @Option(
    help: ArgumentHelp(
      "Load a backend plugin (a shared library) before running; repeat for several. Select it "
        + "with --backends (also: PLEXUS_PLUGINS=name:path,...)."))
  var plugin: [String] = []

  func validate() throws {
    guard mlpEpochs >= 1 else { throw ValidationError("--mlp-epochs must be at least 1") }
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    guard cnnEpochs >= 0 else { throw ValidationError("--cnn-epochs must be at least 0") }
    guard sizes.allSatisfy({ (1...8192).contains($0) }) else {
      throw ValidationError("--sizes must be in 1...8192")
    }
  }

  func run() throws {
    for path in plugin { try Plugins.load(path: path) }
    #if DEBUG
      print("warning: a debug build; benchmark figures mean little (use scripts/bench.sh)")
    #endif
    let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
    try Config.setThreads(threadCount)
    let report = BenchReport(json: json, threads: threadCount)
    for backend in noReplay ? [] : backends {
      try ReplayBenchmark.run(backend: backend, report: report)
    }
    for size in noSgemm ? [] : sizes {
      var rates: [String: Double] = [:]
      for backend in backends {
        let rate = try sgemmRate(size: size, backend: backend)
        rates[backend] = rate
        report.add(name: "sgemm_\(size)", backend: backend, value: rate, unit: "GFLOP/s")
      }
      if let reference = rates["reference"], let blas = rates["openblas"], blas > 0 {
        report.add(
          name: "sgemm_\(size)_reference_over_openblas", backend: "ratio", value: reference / blas,
          unit: "x")
      }
    }
    if !noConv { try benchmarkConvolutions(report) }
    for backend in backends {
      let micros = try stepOverhead(backend: backend)
      report.add(name: "tiny_train_step_overhead", backend: backend, value: micros, unit: "us/step")
    }
    for backend in backends {
      let (micros, ranThere) = try opOverhead(backend: backend)
      // Only where the backend runs the op itself: a fallback times the reference backend.
      if ranThere {
        report.add(name: "add_1_element_dispatch", backend: backend, value: micros, unit: "us/op")
      }
    }
    if !noMlp {
      try benchmarkMLPProducts(report)
      let data = try mlpData()
      try benchmarkPredict(report, data: data)
      for backend in backends {
        let seconds = try mlpEpochSeconds(backend: backend, data: data)
        report.add(
          name: "mlp_b\(batchSize)_epoch", backend: backend, value: seconds, unit: "s/epoch")
      }
      if cnnEpochs > 0 {
        for backend in backends {
          let seconds = try cnnEpochSeconds(backend: backend, data: data)
          report.add(name: "cnn_b128_epoch", backend: backend, value: seconds, unit: "s/epoch")
        }
      }
    }
  }

  /// The median seconds per epoch after the first (or the only one), training the anchors'
  /// CNN at batch 128 on `backend`.
  private func cnnEpochSeconds(backend: String, data: (Tensor, Tensor)) throws -> Double {
    try withRandomSeed(1234) {
      let model = TrainCommand.build(.cnn)
      model.backend = backend
      try model.compile(
        optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy(fromLogits: true),
        metrics: ["accuracy"])
      let timer = EpochTimer()
      try model.fit(
        data.0, data.1, batchSize: 128, epochs: cnnEpochs, verbose: 0, callbacks: [timer])
      let steady = timer.seconds.count > 1 ? Array(timer.seconds.dropFirst()) : timer.seconds
      return steady.sorted()[steady.count / 2]
    }
  }

  /// Best GFLOP/s of repeated `size³` products on `backend` (strict: no fallback allowed).
  private func sgemmRate(size: Int, backend: String) throws -> Double {
    let a = try withRandomSeed(1) { try Ops.randomUniform([size, size]) }
    let b = try withRandomSeed(2) { try Ops.randomUniform([size, size]) }
    let flops = 2 * Double(size) * Double(size) * Double(size)
    return try withBackend(backend) {
      try Dispatcher.withStrictMode {
        _ = try Ops.matmul(a, b)
        var best = Double.infinity
        var spent = 0.0
        var runs = 0
        while spent < 1 || runs < 3 {
          let start = DispatchTime.now().uptimeNanoseconds
          _ = try Ops.matmul(a, b)
          let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
          best = min(best, seconds)
          spent += seconds
          runs += 1
        }
        return flops / best / 1e9
      }
    }
  }

  /// Microseconds per training step of a model too small for arithmetic to matter
  /// (Dense(8, relu) → Dense(2) on 32 × 4 inputs): the frontend's per-step cost — dispatch,
  /// allocation, tape, optimizer and metric bookkeeping.
  private func stepOverhead(backend: String) throws -> Double {
    try withRandomSeed(7) {
      let x = try Ops.randomUniform([32, 4])
      let y = try Ops.cast(Ops.randomUniform([32], maxval: 2), to: .int32)
      let model = Sequential {
        Input(shape: [4])
        Dense(8, activation: .relu)
        Dense(2)
      }
      model.backend = backend
      try model.compile(
        optimizer: Adam(), loss: SparseCategoricalCrossentropy(fromLogits: true),
        metrics: ["accuracy"])
      for _ in 0..<200 { _ = try model.trainOnBatch(x, y) }
      let steps = 2000
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<steps { _ = try model.trainOnBatch(x, y) }
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(steps)
    }
  }

  /// The cost of dispatching one op whose kernel does next to nothing (`add` of two 1-element
  /// float32 tensors) on `backend`: the dispatcher, the backend's entry and, for a plugin, the
  /// record's conversion to the plugin ABI and the call through it. Also whether it ran there.
  private func opOverhead(backend: String) throws -> (Double, Bool) {
    let a = Tensor(Float(1.5))
    let b = Tensor(Float(-0.5))
    return try withBackend(backend) {
      for _ in 0..<10_000 { _ = try Ops.add(a, b) }
      let calls = 200_000
      let (seconds, statistics) = try Dispatcher.recordingStatistics {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { _ = try Ops.add(a, b) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(calls)
      }
      return (seconds, statistics.dispatchCount(backend: backend, op: .add) == calls)
    }
  }

  /// Fashion-MNIST when installed, else random data of the same shape.
  private func mlpData() throws -> (Tensor, Tensor) {
    if let ((x, y), _) = try? FashionMNIST.loadNormalized() { return (x, y) }
    return try withRandomSeed(3) {
      (
        try Ops.randomUniform([60_000, 28, 28]),
        try Ops.cast(Ops.randomUniform([60_000], maxval: 10), to: .int32)
      )
    }
  }

  /// The median seconds per epoch after the first, training the README's MLP on `backend`.
  private func mlpEpochSeconds(backend: String, data: (Tensor, Tensor)) throws -> Double {
    try withRandomSeed(1234) {
      let model = Sequential {
        Input(shape: [28, 28])
        Flatten()
        Dense(128, activation: .relu)
        Dense(10)
      }
      model.backend = backend
      try model.compile(
        optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy(fromLogits: true),
        metrics: ["accuracy"])
      let timer = EpochTimer()
      try model.fit(
        data.0, data.1, batchSize: batchSize, epochs: mlpEpochs, verbose: 0, callbacks: [timer])
      let steady = timer.seconds.count > 1 ? Array(timer.seconds.dropFirst()) : timer.seconds
      return steady.sorted()[steady.count / 2]
    }
  }
}

/// Times each epoch, as the Keras anchor's callback does.
final class EpochTimer: Callback {
  weak var model: Model?
  var seconds: [Double] = []
  private var start: UInt64 = 0

  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    start = DispatchTime.now().uptimeNanoseconds
  }

  func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
}
