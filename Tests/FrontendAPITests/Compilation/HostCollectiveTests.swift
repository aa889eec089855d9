import BackendProtocol
import Foundation
import Testing

@testable import Plexus

/// Host work recorded in a compiled step (the data-parallel all-reduce's mechanism) runs in its
/// place on every replay, with the replay's buffers, between the ops around it.
@Suite struct HostCollectiveTests {
  /// Adds the number of times it ran to every element: a replay that skipped it, or ran it on
  /// stale buffers, gives other values.
  final class CountingCollective: HostCollective, @unchecked Sendable {
    let name = "count_runs"
    private let lock = NSLock()
    private var runs = 0

    var count: Int { lock.withLock { runs } }

    func run(inputs: [TensorBuffer], outputs: [TensorBuffer]) throws {
      let added = Float(
        lock.withLock { () -> Int in
          runs += 1
          return runs
        })
      let source = inputs[0].pointer(Float.self)
      let target = outputs[0].pointer(Float.self)
      for index in 0..<inputs[0].count { target[index] = source[index] + added }
    }
  }

  @Test func aCompiledFunctionReplaysTheCollectiveInPlace() throws {
    let collective = CountingCollective()
    let function = compiled(name: "collective") { inputs in
      let doubled = try Ops.multiply(inputs[0], Tensor.scalar(2, dtype: .float32))
      let counted = try Dispatcher.runCollective(
        collective, [doubled.buffer], outputs: [(.float32, doubled.shape)])[0]
      return [try Ops.multiply(Tensor(counted), Tensor.scalar(3, dtype: .float32))]
    }
    for call in 1...5 {
      let x = try Tensor([Float(call), -1], shape: [2])
      let result = try function([x])[0].floats()
      // (2x + runs) · 3, with the collective run once per call.
      #expect(result == [(2 * Float(call) + Float(call)) * 3, (-2 + Float(call)) * 3])
    }
    #expect(collective.count == 5)
    #expect(function.statistics.captures == 1)
    #expect(function.statistics.replays == 3)
    #expect(function.planDescription.contains("count_runs on the host"))
  }

  @Test func aHostReadOfTheCollectivesOutputNamesIt() throws {
    let collective = CountingCollective()
    let function = compiled(name: "host read") { inputs in
      let counted = try Dispatcher.runCollective(
        collective, [inputs[0].buffer], outputs: [(.float32, inputs[0].shape)])[0]
      _ = try Tensor(counted).floats()
      return [Tensor(counted)]
    }
    let x = try Tensor([Float(1)], shape: [1])
    _ = try function([x])  // the warm-up runs eagerly
    #expect {
      _ = try function([x])
    } throws: { error in
      "\(error)".contains("the output of 'count_runs'")
    }
  }
}
