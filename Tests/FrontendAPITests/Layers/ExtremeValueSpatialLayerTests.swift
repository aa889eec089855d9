import Testing

@testable import Plexus

/// The convolution, pooling, normalization and reshaping layers under the sizes a hostile
/// caller tries first (``ExtremeValues/ints``) as every setting, on small real inputs and on
/// symbolic ones with extreme sizes: each call returns or throws a ``PlexusError``, never traps.
@Suite struct ExtremeValueSpatialLayerTests {
  typealias E = ExtremeValues

  /// Each layer with one setting taken from the extreme sizes, and the input rank it takes.
  static let layers: [(String, Int, @Sendable (Int) -> Layer)] = [
    ("Conv2D filters", 4, { Conv2D($0, kernelSize: 2) }),
    ("Conv2D kernel", 4, { Conv2D(2, kernelSize: SpatialSize($0), padding: .same) }),
    ("Conv2D strides", 4, { Conv2D(2, kernelSize: 2, strides: [1, $0], padding: .same) }),
    ("Conv2D dilation", 4, { Conv2D(2, kernelSize: 2, padding: .same, dilationRate: [$0, 1]) }),
    ("Conv2D groups", 4, { Conv2D(4, kernelSize: 1, groups: $0) }),
    (
      "Conv1D causal", 3,
      { Conv1D(2, kernelSize: 2, padding: .causal, dilationRate: SpatialSize($0)) }
    ),
    ("Conv1D kernel", 3, { Conv1D(2, kernelSize: SpatialSize($0), padding: .same) }),
    ("MaxPooling2D", 4, { MaxPooling2D(poolSize: SpatialSize($0), padding: .same) }),
    ("AveragePooling2D", 4, { AveragePooling2D(poolSize: 2, strides: [$0, 1], padding: .same) }),
    ("MaxPooling1D", 3, { MaxPooling1D(poolSize: SpatialSize($0)) }),
    ("AveragePooling1D", 3, { AveragePooling1D(poolSize: 2, strides: SpatialSize($0)) }),
    ("GlobalMaxPooling2D", 4, { _ in GlobalMaxPooling2D() }),
    ("GlobalAveragePooling1D", 3, { _ in GlobalAveragePooling1D(keepdims: true) }),
    ("BatchNormalization", 4, { BatchNormalization(axis: $0) }),
    ("LayerNormalization", 3, { LayerNormalization(axis: [$0]) }),
    ("ZeroPadding2D", 4, { ZeroPadding2D(padding: SpatialSize($0)) }),
    ("ZeroPadding2D pairs", 4, { ZeroPadding2D(padding: ((0, $0), ($0, 1))) }),
    ("UpSampling2D", 4, { UpSampling2D(size: [$0, 1]) }),
    ("UpSampling2D bilinear", 4, { UpSampling2D(size: SpatialSize($0), interpolation: .bilinear) }),
    ("Cropping2D", 4, { Cropping2D(cropping: ((0, $0), ($0, 0))) }),
    ("Conv2DTranspose strides", 4, { Conv2DTranspose(2, kernelSize: 2, strides: SpatialSize($0)) }),
    (
      "Conv2DTranspose same", 4,
      { Conv2DTranspose(2, kernelSize: 2, strides: [$0, 1], padding: .same) }
    ),
    (
      "Conv2DTranspose dilation", 4,
      { Conv2DTranspose(2, kernelSize: 2, dilationRate: SpatialSize($0)) }
    ),
    (
      "Conv2DTranspose output padding", 4,
      { Conv2DTranspose(2, kernelSize: 2, strides: 2, outputPadding: SpatialSize($0)) }
    ),
    ("DepthwiseConv2D", 4, { DepthwiseConv2D(kernelSize: 2, depthMultiplier: $0) }),
    (
      "DepthwiseConv2D dilation", 4,
      { DepthwiseConv2D(kernelSize: 2, padding: .same, dilationRate: SpatialSize($0)) }
    ),
    ("SeparableConv2D", 4, { SeparableConv2D($0, kernelSize: 2, depthMultiplier: $0) }),
  ]

  @Test func layersOnSmallInputs() throws {
    for (name, rank, make) in Self.layers {
      let x = try Tensor.ones(rank == 4 ? [1, 3, 3, 2] : [1, 3, 2])
      for size in E.ints {
        E.survive("\(name)(\(size)) on \(x.shape)") { try make(size)(x, training: true) }
      }
      for bad in try E.tensors() {
        E.survive("\(name)(2) on \(bad.dtype) \(bad.shape)") { try make(2)(bad) }
      }
    }
  }

  @Test func layersOnSymbolicInputsOfExtremeSizes() throws {
    for (name, rank, make) in Self.layers {
      for size in E.ints {
        let shapes: [[Int]] =
          rank == 4 ? [[size, 3, 2], [3, size, 2], [3, 3, size]] : [[size, 2], [3, size]]
        for dims in shapes {
          E.survive("\(name)(2) on Input(\(dims))") {
            let input = Input(shape: Shape(dims))
            return try Model(inputs: input, outputs: make(2)(input))
          }
        }
      }
    }
  }
}
