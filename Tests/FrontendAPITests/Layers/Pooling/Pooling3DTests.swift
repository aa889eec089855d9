import PlexusTestSupport
import Testing

@testable import Plexus

/// The 3-D poolings beyond the Keras fixtures (`KerasLayer2ParityTests`, `*_pooling3d*`): the
/// layer contract, a loop over every window as an independent reference ("same" cells never
/// chosen nor counted), the gradient's first maximum, every backend, and clear errors.
@Suite struct Pooling3DTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { MaxPooling3D(poolSize: 2) }, inputShape: [2, 4, 4, 4, 3], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { AveragePooling3D(poolSize: [1, 2, 3], strides: 2, padding: .same) },
        inputShape: [1, 3, 5, 4, 2], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { GlobalAveragePooling3D(keepdims: true) }, inputShape: [2, 2, 3, 2, 4],
        expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { GlobalMaxPooling3D() }, inputShape: [2, 2, 3, 2, 4], expectedWeights: 0) == [])
  }

  @Test(arguments: [
    ([2, 2, 2], [2, 2, 2], Padding.valid), ([3, 2, 2], [2, 2, 1], Padding.same),
    ([2, 3, 1], [1, 2, 3], Padding.same), ([1, 1, 3], [1, 1, 1], Padding.valid),
  ])
  func equalALoopOverEveryWindow(_ window: [Int], _ strides: [Int], _ padding: Padding) throws {
    let x = try withRandomSeed(8) { try Ops.randomNormal([2, 5, 4, 6, 3]) }
    let maximum = try MaxPooling3D(
      poolSize: SpatialSize(window), strides: SpatialSize(strides), padding: padding)(x)
    let average = try AveragePooling3D(
      poolSize: SpatialSize(window), strides: SpatialSize(strides), padding: padding)(x)
    let (expectedMax, expectedMean) = try Self.loopPooling(x, window, strides, padding)
    #expect(maximum.shape == expectedMax.shape && average.shape == expectedMean.shape)
    #expect(try maximum.floats() == expectedMax.floats())
    for (a, b) in zip(try average.floats(), try expectedMean.floats()) {
      #expect(abs(a - b) <= 1e-6 * max(1, abs(b)))
    }
  }

  /// The maximum and the mean of each window over the cells inside the volume.
  static func loopPooling(_ x: Tensor, _ window: [Int], _ strides: [Int], _ padding: Padding)
    throws -> (Tensor, Tensor)
  {
    let values = try x.floats()
    let (n, c) = (x.shape[0], x.shape[4])
    let size = [x.shape[1], x.shape[2], x.shape[3]]
    var out = [Int]()
    var before = [Int]()
    for axis in 0..<3 {
      if padding == .same {
        let length = (size[axis] + strides[axis] - 1) / strides[axis]
        out.append(length)
        before.append(max((length - 1) * strides[axis] + window[axis] - size[axis], 0) / 2)
      } else {
        out.append((size[axis] - window[axis]) / strides[axis] + 1)
        before.append(0)
      }
    }
    var maxima = [Float]()
    var means = [Float]()
    for b in 0..<n {
      for od in 0..<out[0] {
        for oh in 0..<out[1] {
          for ow in 0..<out[2] {
            for channel in 0..<c {
              var largest = -Float.infinity
              var total = 0.0
              var count = 0
              for kd in 0..<window[0] {
                for kh in 0..<window[1] {
                  for kw in 0..<window[2] {
                    let d = od * strides[0] + kd - before[0]
                    let h = oh * strides[1] + kh - before[1]
                    let w = ow * strides[2] + kw - before[2]
                    guard (0..<size[0]).contains(d), (0..<size[1]).contains(h),
                      (0..<size[2]).contains(w)
                    else { continue }
                    let value = values[
                      (((b * size[0] + d) * size[1] + h) * size[2] + w) * c + channel]
                    largest = max(largest, value)
                    total += Double(value)
                    count += 1
                  }
                }
              }
              maxima.append(largest)
              means.append(Float(total / Double(count)))
            }
          }
        }
      }
    }
    let shape = Shape([n] + out + [c])
    return (try Tensor(maxima, shape: shape), try Tensor(means, shape: shape))
  }

  /// With every cell equal, each window's gradient goes to its first cell (depth, then row,
  /// then column), as TensorFlow's and JAX's max pooling give it.
  @Test func maximumGradientGoesToTheFirstCell() throws {
    var x = try Tensor.ones([1, 2, 2, 2, 1])
    let tape = GradientTape()
    tape.watch(&x)
    let loss = try tape.record { try Ops.sum(MaxPooling3D(poolSize: 2)(x)) }
    let gradient = try #require(try tape.gradient(of: loss, wrt: [x]).first ?? nil)
    #expect(try gradient.floats() == [1, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func everyBackendAgrees() throws {
    try expectEveryBackendAgrees(tolerance: 1e-5) {
      let x = try Tensor(
        (0..<360).map { Float(($0 * 37) % 101) / 50 - 1 }, shape: [2, 3, 5, 4, 3])
      let maximum = MaxPooling3D(poolSize: [2, 3, 2], strides: 1, padding: .same)
      let average = AveragePooling3D(poolSize: 2, padding: .same)
      return try outputAndGradients(maximum, x) + outputAndGradients(average, x)
    }
  }

  @Test func refuseBadSettingsClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    let volume = try Tensor.zeros([1, 3, 3, 3, 1])
    #expect(
      error { try MaxPooling3D(poolSize: 2, name: "pool")(Tensor.zeros([1, 3, 3, 1])) }
        .contains("pool"))
    for bad in [0, -2, Int.min] {
      #expect(error { try MaxPooling3D(poolSize: SpatialSize(bad))(volume) }.contains("pool_size"))
    }
    #expect(error { try AveragePooling3D(poolSize: [2, 2])(volume) }.contains("pool_size"))
    #expect(error { try AveragePooling3D(poolSize: 2, strides: 0)(volume) }.contains("strides"))
    #expect(error { try MaxPooling3D(poolSize: 4)(volume) }.contains("at least the pool size"))
    #expect(error { try MaxPooling3D(poolSize: SpatialSize(Int.max))(volume) }.contains("pool"))
    #expect(error { try MaxPooling3D(padding: .causal)(volume) }.contains("padding"))
    #expect(error { try GlobalMaxPooling3D(name: "g")(Tensor.zeros([2, 3])) }.contains("g"))
  }
}
