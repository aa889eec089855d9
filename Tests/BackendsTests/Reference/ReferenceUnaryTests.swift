import BackendProtocol
import Foundation
import PlexusReference
import Testing

@Suite struct ReferenceUnaryTests {
  private func apply(_ op: OpCode, _ input: [Double], _ dtype: DType = .float32) throws -> [Double]
  {
    let x = buffer(input, [input.count], dtype)
    let out = output([input.count], dtype)
    try reference.unary(op, x, out)
    return values(out)
  }

  @Test func elementaryOps() throws {
    #expect(try apply(.negate, [1, -2, 0]) == [-1, 2, 0])
    #expect(try apply(.abs, [-1.5, 2]) == [1.5, 2])
    #expect(try apply(.sign, [-3, 0, 4]) == [-1, 0, 1])
    #expect(try apply(.square, [-3, 0.5]) == [9, 0.25])
    #expect(try apply(.relu, [-1, 0, 2.5]) == [0, 0, 2.5])
    #expect(try apply(.reciprocal, [4, -0.5]) == [0.25, -2])
    #expect(try apply(.sqrt, [9, 2.25]) == [3, 1.5])
    #expect(try apply(.rsqrt, [4, 0.25]) == [0.5, 2])
    #expect(try apply(.floor, [-1.5, 1.5]) == [-2, 1])
    #expect(try apply(.ceil, [-1.5, 1.5]) == [-1, 2])
  }

  @Test func roundIsHalfToEven() throws {
    #expect(try apply(.round, [0.5, 1.5, 2.5, -0.5, -1.5, 2.6]) == [0, 2, 2, -0, -2, 3])
  }

  @Test(arguments: [DType.float32, .float64])
  func transcendentalOps(dtype: DType) throws {
    let x: [Double] = [-1.25, 0.5, 2]
    let tolerance = dtype == .float32 ? 1e-6 : 1e-12
    #expect(isClose(try apply(.exp, x, dtype), x.map(Foundation.exp), tolerance: tolerance))
    #expect(isClose(try apply(.tanh, x, dtype), x.map(Foundation.tanh), tolerance: tolerance))
    #expect(isClose(try apply(.sin, x, dtype), x.map(Foundation.sin), tolerance: tolerance))
    #expect(isClose(try apply(.cos, x, dtype), x.map(Foundation.cos), tolerance: tolerance))
    #expect(isClose(try apply(.erf, x, dtype), x.map(Foundation.erf), tolerance: tolerance))
    #expect(isClose(try apply(.expm1, x, dtype), x.map(Foundation.expm1), tolerance: tolerance))
    let positive: [Double] = [0.25, 1, 3]
    #expect(isClose(try apply(.log, positive, dtype), positive.map(Foundation.log)))
    #expect(isClose(try apply(.log1p, positive, dtype), positive.map(Foundation.log1p)))
  }

  @Test func sigmoidIsStableForLargeMagnitudes() throws {
    let result = try apply(.sigmoid, [-1000, -20, 0, 3, 1000])
    #expect(result[0] == 0)
    #expect(isClose([result[1]], [2.0611536e-9], tolerance: 1e-6))
    #expect(result[2] == 0.5)
    #expect(isClose([result[3]], [1 / (1 + Foundation.exp(-3))]))
    #expect(result[4] == 1)
    #expect(result.allSatisfy { !$0.isNaN })
  }

  @Test(arguments: [DType.int32, .int64])
  func integerOps(dtype: DType) throws {
    #expect(try apply(.negate, [3, -4, 0], dtype) == [-3, 4, 0])
    #expect(try apply(.abs, [-7, 7], dtype) == [7, 7])
    #expect(try apply(.sign, [-7, 0, 9], dtype) == [-1, 0, 1])
    #expect(try apply(.square, [-7, 3], dtype) == [49, 9])
    #expect(throws: PlexusError.self) { try apply(.exp, [1], dtype) }
  }

  @Test func logicalNotFlipsBools() throws {
    #expect(try apply(.logicalNot, [1, 0, 1], .bool) == [0, 1, 0])
  }

  @Test func largeInputsSplitAcrossThreadsMatchTheSerialResult() throws {
    let count = 200_003
    let input = (0..<count).map { Double($0 % 97) / 10 - 4 }
    let x = buffer(input, [count])
    let out = output([count])
    try reference.unary(.tanh, x, out)
    #expect(isClose(values(out), input.map { Double(tanhf(Float($0))) }))
  }
}
