import Dispatch
import Synchronization
import Testing

@testable import Plexus

@Suite struct VariableTests {
  @Test func readsAndAssignmentsFromManyThreadsSeeWholeValues() throws {
    let variable = Variable(try Tensor.zeros([64]))
    let torn = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for step in 0..<200 {
        if thread % 2 == 0 {
          try? variable.assign(Tensor.full([64], value: Double(step)))
        } else if let values = try? variable.value.scalars(Float.self),
          Set(values).count != 1
        {
          torn.add(1, ordering: .relaxed)
        }
      }
    }
    #expect(torn.load(ordering: .relaxed) == 0)
  }

  @Test func anInPlaceUpdateLeavesValuesReadBeforeItAlone() throws {
    let variable = Variable(try Tensor([1, 2, 3] as [Float], shape: [3]))
    let before = variable.value
    let optimizer = SGD(learningRate: 1)
    try optimizer.apply([try Tensor([1, 1, 1] as [Float], shape: [3])], to: [variable])
    #expect(try before.scalars(Float.self) == [1, 2, 3])
    #expect(try variable.value.scalars(Float.self) == [0, 1, 2])
  }
}
