import Plexus
import Testing

/// Runs `body` on the reference, OpenBLAS and oneDNN backends and expects every list of values
/// it returns (an output, gradients, ...) to agree with the reference backend's within
/// `tolerance`, relative to magnitudes above 1.
func expectEveryBackendAgrees(
  tolerance: Float, _ body: () throws -> [[Float]],
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  var runs: [[[Float]]] = []
  for backend in ["reference", "openblas", "onednn"] {
    runs.append(try withBackend(backend, body))
  }
  for (backend, run) in zip(["openblas", "onednn"], runs.dropFirst()) {
    #expect(run.count == runs[0].count, "\(backend)", sourceLocation: sourceLocation)
    for (mine, theirs) in zip(run, runs[0]) {
      #expect(mine.count == theirs.count, "\(backend)", sourceLocation: sourceLocation)
      let worst = zip(mine, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
      #expect(worst <= tolerance, "\(backend): \(worst)", sourceLocation: sourceLocation)
    }
  }
}

/// The output of `layer` on `x` and the gradients of the sum of its squares with respect to
/// `x` and the layer's trainable weights, as lists of values.
func outputAndGradients(_ layer: Layer, _ input: Tensor) throws -> [[Float]] {
  var x = input
  let tape = GradientTape()
  tape.watch(&x)
  let (y, loss) = try tape.record {
    let y = try layer(x)
    return (y, try Ops.sum(Ops.square(y)))
  }
  let gradients = try tape.gradient(of: loss, wrt: [x] + layer.trainableWeights)
  return try [y.floats()] + gradients.map { try ($0 ?? Tensor.zeros([1])).floats() }
}
