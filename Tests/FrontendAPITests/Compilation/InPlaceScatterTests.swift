import PlexusTestSupport
import Testing

@testable import Plexus

/// A compiled step adds the gradient of a gather (a `scatter_add` into fresh zeros) in place,
/// in its base's arena region, instead of copying the zeros first: the same bits as eager, on
/// every built-in backend.
@Suite struct InPlaceScatterTests {
  /// Steps of an embedding-table update: gather rows (repeated ids included), weigh them,
  /// take the table's gradient and apply it with SGD.
  static func run(jit: JitCompile, backend: String) throws -> (
    table: [Float], losses: [Float], plan: String
  ) {
    try withBackend(backend) {
      try withRandomSeed(5) {
        let table = try Variable(Ops.randomNormal([12, 4]), name: "table")
        let weights = try Ops.randomNormal([3, 5, 4])
        let step = compiled(name: "embedding step", jitCompile: jit) { inputs in
          let tape = GradientTape()
          let loss = try tape.record {
            try Ops.sum(Ops.multiply(Ops.take(table.value, inputs[0], axis: 0), weights))
          }
          let gradients = try tape.gradient(of: loss, wrt: [table])
          try SGD(learningRate: 0.1).apply(gradients, to: [table])
          return [loss]
        }
        var losses: [Float] = []
        for index in 0..<4 {
          let ids = try Tensor(
            (0..<15).map { Int32(($0 * 7 + index) % 12) }, shape: [3, 5])
          losses.append(contentsOf: try step([ids])[0].floats())
        }
        return (try table.value.floats(), losses, step.planDescription)
      }
    }
  }

  @Test(arguments: ["reference", "onednn"])
  func addsInPlaceWithTheEagerBits(_ backend: String) throws {
    guard Config.availableBackends.contains(backend) else { return }
    let eager = try Self.run(jit: .off, backend: backend)
    let replayed = try Self.run(jit: .on, backend: backend)
    #expect(replayed.table == eager.table)
    #expect(replayed.losses == eager.losses)
    // The scatter's output is its base's region.
    let line = try #require(
      replayed.plan.split(separator: "\n").first { $0.contains("scatter_add") })
    let places = line.split(separator: "arena+").dropFirst().map { $0.prefix { $0.isNumber } }
    #expect(places.count >= 2 && places.first == places.last, "\(line)")
  }
}
