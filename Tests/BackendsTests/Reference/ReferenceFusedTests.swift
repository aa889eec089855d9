import BackendProtocol
import Foundation
import PlexusReference
import Testing

@Suite struct ReferenceFusedTests {
  @Test(arguments: [DType.float32, .float64])
  func softmaxRowsSumToOneAndResistOverflow(dtype: DType) throws {
    let x = buffer([1, 2, 3, 1000, 1000, 1000], [2, 3], dtype)
    let out = output([2, 3], dtype)
    try reference.softmax(x, out)
    let total = exp(1.0) + exp(2.0) + exp(3.0)
    let expected = [
      exp(1.0) / total, exp(2.0) / total, exp(3.0) / total, 1.0 / 3, 1.0 / 3, 1.0 / 3,
    ]
    #expect(isClose(values(out), expected, tolerance: 1e-6))
  }

  @Test func logSoftmaxIsShiftedLogSumExp() throws {
    let x = buffer([1, 2, 3, -500, 0, 500], [2, 3], .float64)
    let out = output([2, 3], .float64)
    try reference.logSoftmax(x, out)
    let shift = 3 + log(exp(-2.0) + exp(-1.0) + 1)
    let expected = [1 - shift, 2 - shift, 3 - shift, -1000, -500, 0]
    #expect(isClose(values(out), expected, tolerance: 1e-12))
  }

  @Test func sgdWithoutMomentum() throws {
    let w = buffer([1, -2], [2])
    try reference.sgdUpdate(
      variable: w, gradient: buffer([0.5, -1], [2]), velocity: nil, learningRate: 0.1,
      momentum: 0, nesterov: false)
    #expect(isClose(values(w), [0.95, -1.9]))
  }

  @Test(arguments: [false, true])
  func sgdWithMomentum(nesterov: Bool) throws {
    let w = buffer([1, -2], [2], .float64)
    let v = buffer([0.2, 0], [2], .float64)
    try reference.sgdUpdate(
      variable: w, gradient: buffer([0.5, -1], [2], .float64), velocity: v, learningRate: 0.1,
      momentum: 0.9, nesterov: nesterov)
    // v = 0.9·v - 0.1·g = [0.18 - 0.05, 0.1] = [0.13, 0.1]
    #expect(isClose(values(v), [0.13, 0.1], tolerance: 1e-12))
    let expected = nesterov ? [1 + 0.9 * 0.13 - 0.05, -2 + 0.9 * 0.1 + 0.1] : [1.13, -1.9]
    #expect(isClose(values(w), expected, tolerance: 1e-12))
  }

  @Test(arguments: [DType.float32, .float64])
  func adamOneStepByHand(dtype: DType) throws {
    let w = buffer([1, -1], [2], dtype)
    let m = buffer([0.1, 0], [2], dtype)
    let v = buffer([0.01, 0], [2], dtype)
    let g: [Double] = [0.5, -2]
    let h = AdamHyperparameters(
      learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 2)
    try reference.adamUpdate(variable: w, gradient: buffer(g, [2], dtype), m: m, v: v, h)
    let m1 = [0.1 + (0.5 - 0.1) * 0.1, 0 + (-2 - 0) * 0.1]
    let v1 = [0.01 + (0.25 - 0.01) * 0.001, 0 + 4 * 0.001]
    let alpha = 0.001 * (1 - pow(0.999, 2)).squareRoot() / (1 - pow(0.9, 2))
    let w1 = [
      1 - alpha * m1[0] / (v1[0].squareRoot() + 1e-7),
      -1 - alpha * m1[1] / (v1[1].squareRoot() + 1e-7),
    ]
    let tolerance = dtype == .float32 ? 1e-6 : 1e-12
    #expect(isClose(values(m), m1, tolerance: tolerance))
    #expect(isClose(values(v), v1, tolerance: tolerance))
    #expect(isClose(values(w), w1, tolerance: tolerance))
  }

  /// Float32 Adam takes the correctly rounded square root, as Keras does: every element is the
  /// scalar formula in float32 with Swift's exact `squareRoot()`, bit for bit, over second
  /// moments spread across many binades (a Newton square root, used before, differed from it
  /// by an ulp on a share of them).
  @Test func float32AdamUsesTheCorrectlyRoundedSquareRoot() throws {
    let count = 4099
    let gradients = randomValues(count, seed: 11, scale: 1).enumerated().map { index, value in
      value * pow(10, Double(index % 13) - 8)
    }
    let variables = randomValues(count, seed: 12, scale: 1)
    let firstMoments = randomValues(count, seed: 13, scale: 0.01)
    let secondMoments = randomValues(count, seed: 14, scale: 1).enumerated().map { index, value in
      abs(value) * pow(10, Double(index % 17) - 12)
    }
    let (w, m, v) = (
      buffer(variables, [count]), buffer(firstMoments, [count]), buffer(secondMoments, [count])
    )
    let h = AdamHyperparameters(
      learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3)
    try reference.adamUpdate(
      variable: w, gradient: buffer(gradients, [count]), m: m, v: v, h)
    let c = h.float32Constants
    var mismatches = 0
    for index in 0..<count {
      let g = Float(gradients[index])
      var first = Float(firstMoments[index])
      var second = Float(secondMoments[index])
      first += (g - first) * c.oneMinusBeta1
      second += (g * g - second) * c.oneMinusBeta2
      if abs(first) < Float.leastNormalMagnitude { first = 0 }
      if second < Float.leastNormalMagnitude { second = 0 }
      let expected = Float(variables[index]) - c.alpha * first / (second.squareRoot() + c.epsilon)
      if w.pointer(Float.self)[index].bitPattern != expected.bitPattern { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }
}
