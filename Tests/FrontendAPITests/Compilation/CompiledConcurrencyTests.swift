import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// A captured body whose ops run on more than one thread.
@Suite struct CompiledConcurrencyTests {
  /// Carries a result across the task boundary: written before the semaphore is signalled,
  /// read after it is waited on.
  private final class Box: @unchecked Sendable {
    var value: Result<Tensor, any Error>?
  }

  /// A step whose body runs a chain of ops on a dispatch queue's thread (where the capture's
  /// task-local scope is not seen) while it runs another chain itself, and returns both.
  private static func step(_ jit: JitCompile) -> CompiledFunction {
    compiled(name: "another thread", jitCompile: jit) { inputs in
      let x = inputs[0]
      let box = Box()
      let done = DispatchSemaphore(value: 0)
      DispatchQueue.global().async { [x] in
        box.value = Result { try Self.chain(x, Ops.tanh, Ops.add) }
        done.signal()
      }
      let z = try Self.chain(x, Ops.sigmoid, Ops.multiply)
      done.wait()
      return [z, try #require(box.value).get()]
    }
  }

  private static func chain(
    _ x: Tensor, _ f: (Tensor) throws -> Tensor, _ g: (Tensor, Tensor) throws -> Tensor
  ) throws -> Tensor {
    try (0..<40).reduce(x) { y, _ in try g(f(y), x) }
  }

  private static func expectEager(_ step: CompiledFunction) throws {
    for index in 0..<5 {
      let x = try withRandomSeed(UInt64(index)) { try Ops.randomNormal([8, 3]) }
      let got = try step([x])
      #expect(try got[0].floats() == Self.chain(x, Ops.sigmoid, Ops.multiply).floats())
      #expect(try got[1].floats() == Self.chain(x, Ops.tanh, Ops.add).floats())
    }
  }

  /// Ops run on another thread do not see the capture: what they computed would replay as a
  /// constant, so under `.auto` the step is refused and every call runs eagerly, with fresh
  /// results; under `.on` the capture is an error that says why.
  @Test func aValueFromAnUnrecordedThreadRefusesTheStep() throws {
    let step = Self.step(.auto)
    try Self.expectEager(step)
    #expect(step.statistics.replays == 0)
    #expect(step.statistics.refusal?.contains("did not record") == true)

    let strict = Self.step(.on)
    let x = try Ops.randomNormal([8, 3])
    _ = try strict([x])  // the warm-up, eager
    let error = #expect(throws: PlexusError.self) { _ = try strict([x]) }
    #expect("\(error.map { "\($0)" } ?? "")".contains("did not record"))
  }
}
