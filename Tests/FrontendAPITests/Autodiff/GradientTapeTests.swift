import Testing

@testable import Plexus

@Suite struct GradientTapeTests {
  @Test func watchTracksTheTensorItIsGivenInPlace() throws {
    let tape = GradientTape()
    var x = Tensor(3.0)
    tape.watch(&x)
    let y = try tape.record { try x * x }
    let grad = try #require(try tape.gradient(of: y, wrt: [x])[0])
    #expect(try grad.item() == 6)
  }

  @Test func oneCallAnswersForTensorsAndVariablesInOrder() throws {
    let tape = GradientTape()
    let w = Variable(try Tensor([2, 3] as [Double], shape: [2]))
    var x = try Tensor([5, 7] as [Double], shape: [2])
    tape.watch(&x)
    let unrelated = Variable(try Tensor([1] as [Double], shape: [1]))
    let y = try tape.record { try Ops.sum(Ops.multiply(x, w.value)) }
    let grads = try tape.gradient(of: y, wrt: [w, x, unrelated])
    #expect(grads.count == 3)
    #expect(try grads[0]?.scalars(Double.self) == [5, 7])
    #expect(try grads[1]?.scalars(Double.self) == [2, 3])
    #expect(grads[2] == nil)
  }

  @Test func watchingAVariableRecordsItWhenAccessesAreNotWatched() throws {
    let tape = GradientTape(watchAccessedVariables: false)
    let frozen = Variable(try Tensor([4] as [Double], shape: [1]), trainable: false)
    let ignored = Variable(try Tensor([1] as [Double], shape: [1]))
    tape.watch(frozen)
    let y = try tape.record { try Ops.sum(Ops.multiply(frozen.value, ignored.value)) }
    let grads = try tape.gradient(of: y, wrt: [frozen, ignored])
    #expect(try grads[0]?.scalars(Double.self) == [1])
    #expect(grads[1] == nil)
  }

  @Test func childTasksRecordOnTheSharedTape() async throws {
    let tape = GradientTape(persistent: true)
    let w = Variable(try Tensor([2] as [Double], shape: [1]))
    let total = try await tape.record {
      let parts = try await withThrowingTaskGroup(of: Tensor.self) { group in
        for scale in 1...8 {
          group.addTask { try Ops.multiply(w.value, Tensor.scalar(Double(scale), dtype: .float64)) }
        }
        var parts: [Tensor] = []
        for try await part in group { parts.append(part) }
        return parts
      }
      return try Ops.sum(Ops.concatenate(parts, axis: 0))
    }
    let grad = try #require(try tape.gradient(of: total, wrt: [w])[0])
    #expect(try grad.scalars(Double.self) == [36])
  }
}
