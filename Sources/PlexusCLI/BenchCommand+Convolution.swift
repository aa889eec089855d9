import Foundation
import Plexus

extension BenchCommand {
  /// The CNN's two convolutions at batch 128: `Conv2D(32, 3)` on 28×28×1 and `Conv2D(64, 3)` on
  /// 13×13×32 (after the first pooling).
  static let convolutionShapes: [(name: String, input: Shape, kernel: Shape)] = [
    ("conv2d_28x28x1_k3x32", [128, 28, 28, 1], [3, 3, 1, 32]),
    ("conv2d_13x13x32_k3x64", [128, 13, 13, 32], [3, 3, 32, 64]),
  ]

  /// Adds, for each of the CNN's convolutions and each backend, the milliseconds of a forward
  /// pass, and of a forward pass with both gradients (the input's and the kernel's) through the
  /// tape, as training runs it.
  func benchmarkConvolutions(_ report: BenchReport) throws {
    for shapes in Self.convolutionShapes {
      let x = try withRandomSeed(3) { try Ops.randomUniform(shapes.input) }
      let kernel = try withRandomSeed(4) { try Ops.randomUniform(shapes.kernel) }
      for backend in backends {
        let (forward, backward) = try convolutionMilliseconds(x, kernel, backend: backend)
        report.add(name: "\(shapes.name)_forward", backend: backend, value: forward, unit: "ms")
        report.add(
          name: "\(shapes.name)_forward_backward", backend: backend, value: backward, unit: "ms")
      }
    }
  }

  /// The best forward and forward-and-backward milliseconds over repeated runs (at least three,
  /// and at least half a second of them).
  private func convolutionMilliseconds(_ x: Tensor, _ kernel: Tensor, backend: String) throws
    -> (Double, Double)
  {
    try withBackend(backend) {
      func best(_ body: () throws -> Void) throws -> Double {
        try body()
        var (fastest, spent, runs) = (Double.infinity, 0.0, 0)
        while spent < 0.5 || runs < 3 {
          let start = DispatchTime.now().uptimeNanoseconds
          try body()
          let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
          (fastest, spent, runs) = (min(fastest, seconds), spent + seconds, runs + 1)
        }
        return fastest * 1000
      }
      let forward = try best { _ = try Ops.conv2d(x, kernel) }
      let backward = try best {
        let tape = GradientTape()
        var watched = [x, kernel]
        tape.watch(&watched)
        let loss = try tape.record {
          try Ops.sum(Ops.conv2d(watched[0], watched[1]))
        }
        let gradients = try tape.gradient(of: loss, wrt: watched)
        guard gradients.allSatisfy({ $0 != nil }) else {
          throw PlexusError.invalidState(
            context: "bench", message: "the convolution's gradients were not computed")
        }
      }
      return (forward, backward)
    }
  }
}
