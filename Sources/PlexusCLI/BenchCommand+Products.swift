import Foundation
import Plexus

extension BenchCommand {
  /// The products of one training step of the MLP at the benchmark's batch size, each timed
  /// alone on every backend (median µs per call): the forward `dense` ops, the kernels'
  /// gradients (`xᵀ · dy`) and the hidden layer's gradient (`dy · kernelᵀ`).
  func benchmarkMLPProducts(_ report: BenchReport) throws {
    let rows = batchSize
    let (x, hidden, dHidden, dLogits, kernel1, kernel2, bias1, bias2) = try withRandomSeed(5) {
      (
        try Ops.randomUniform([rows, 784]), try Ops.randomUniform([rows, 128]),
        try Ops.randomUniform([rows, 128]), try Ops.randomUniform([rows, 10]),
        try Ops.randomUniform([784, 128]), try Ops.randomUniform([128, 10]),
        try Ops.randomUniform([128]), try Ops.randomUniform([10])
      )
    }
    let products: [(String, () throws -> Tensor)] = [
      ("dense_\(rows)x784x128_relu", { try Ops.dense(x, kernel1, bias: bias1, activation: .relu) }),
      ("dense_\(rows)x128x10", { try Ops.dense(hidden, kernel2, bias: bias2) }),
      ("matmul_784x\(rows)T_x\(rows)x128", { try Ops.matmul(x, dHidden, transposeA: true) }),
      ("matmul_128x\(rows)T_x\(rows)x10", { try Ops.matmul(hidden, dLogits, transposeA: true) }),
      ("matmul_\(rows)x10_x128x10T", { try Ops.matmul(dLogits, kernel2, transposeB: true) }),
    ]
    for (name, product) in products {
      for backend in backends {
        let micros = try withBackend(backend) { () throws -> Double in
          for _ in 0..<50 { _ = try product() }
          var times: [Double] = []
          for _ in 0..<600 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try product()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
          }
          return times.sorted()[times.count / 2]
        }
        report.add(name: name, backend: backend, value: micros, unit: "us")
      }
    }
  }
}
