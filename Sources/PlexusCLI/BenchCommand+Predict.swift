import Foundation
import Plexus

extension BenchCommand {
  /// Adds, for each backend, the README's MLP's single-sample latency (`model(x, training:
  /// false)` and `predictOnBatch`, median of 1000 calls) and its batch-1024 `predictOnBatch`
  /// throughput (median of 200 calls), as the Keras anchor's `predict` workload times them;
  /// under `--dtype-policy mixed_bfloat16` the model computes in bfloat16.
  func benchmarkPredict(_ report: BenchReport, data: (Tensor, Tensor)) throws {
    for backend in backends {
      let (callMicros, batchMicros, samplesPerSecond) = try withRandomSeed(1234) {
        let model = try withDTypePolicy(DTypePolicy(name: dtypePolicy)) {
          Sequential {
            Input(shape: [28, 28])
            Flatten()
            Dense(128, activation: .relu)
            Dense(10)
          }
        }
        model.backend = backend
        let first = try Ops.slice(data.0, starts: [0, 0, 0], sizes: [1024, 28, 28])
        let samples = try (0..<100).map {
          try Ops.slice(first, starts: [$0, 0, 0], sizes: [1, 28, 28])
        }
        func median(_ calls: Int, _ body: (Int) throws -> Void) throws -> Double {
          for index in 0..<20 { try body(index) }
          var times: [Double] = []
          for index in 0..<calls {
            let start = DispatchTime.now().uptimeNanoseconds
            try body(index)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
          }
          return times.sorted()[times.count / 2]
        }
        let call = try median(1000) { index in
          _ = try model(samples[index % samples.count], training: false).floats()
        }
        let onBatch = try median(1000) { index in
          _ = try model.predictOnBatch(samples[index % samples.count])
        }
        let batch = try median(200) { _ in _ = try model.predictOnBatch(first) }
        return (call, onBatch, 1024 / (batch / 1e6))
      }
      report.add(name: "predict_1_call", backend: backend, value: callMicros, unit: "us")
      report.add(name: "predict_1_on_batch", backend: backend, value: batchMicros, unit: "us")
      report.add(
        name: "predict_1024_on_batch", backend: backend, value: samplesPerSecond / 1e6,
        unit: "M samples/s")
    }
  }
}
