import Foundation
import Plexus

/// The frontend's cost per step, eager and replayed, on a model so small that the kernels take
/// almost nothing: Dense(8, relu) → Dense(1) on a batch of 4, a tape, MSE and a fused SGD
/// update, in a `compiled { }` step. The kernels' own time (profiled separately) is taken off
/// the wall time; what is left is what the frontend adds per step.
enum ReplayBenchmark {
  static func run(backend: String, steps: Int = 20_000, report: BenchReport) throws {
    try withBackend(backend) {
      setRandomSeed(1)
      let model = Sequential {
        Input(shape: [4])
        Dense(8, activation: .relu)
        Dense(1)
      }
      try model.build(inputShapes: [Shape([-1, 4])])
      let optimizer = SGD(learningRate: 0.01)
      let loss = MeanSquaredError()
      let x = try Ops.randomNormal([4, 4])
      let y = try Ops.randomNormal([4, 1])
      for mode in [JitCompile.off, .on] {
        let step = compiled(jitCompile: mode) { inputs in
          let tape = GradientTape()
          let value = try tape.record { try loss(inputs[1], model(inputs[0], training: true)) }
          let gradients = try tape.gradient(of: value, wrt: model.trainableWeights)
          try optimizer.apply(gradients, to: model.trainableWeights)
          return [value]
        }
        for _ in 0..<100 { _ = try step([x, y]) }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { _ = try step([x, y]) }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(steps) / 1e3
        let (_, profile) = try Profiler.profile { for _ in 0..<2000 { _ = try step([x, y]) } }
        let kernels = Double(profile.totalNanoseconds) / 2000 / 1e3
        let name = mode == .off ? "tiny_step_eager" : "tiny_step_replayed"
        report.add(name: name, backend: backend, value: wall, unit: "µs/step")
        report.add(
          name: name + "_frontend", backend: backend, value: wall - kernels, unit: "µs/step")
      }
    }
  }
}
