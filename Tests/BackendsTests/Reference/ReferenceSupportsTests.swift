import BackendProtocol
import PlexusReference
import Testing

@Suite struct ReferenceSupportsTests {
  /// Floats run everything but the logical ops and the families the frontend's composites
  /// implement (convolution, pooling, fused dense, normalization, recurrent), which must stay unsupported
  /// here: a "yes" would send them to kernels the reference backend does not have.
  @Test func floatsSupportEverythingButLogicalOpsAndComposedFamilies() {
    let composed: Set<OpCode> = [
      .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .maxPool2d, .maxPool2dGradient,
      .avgPool2d, .avgPool2dGradient, .dense, .conv2dBiasActivation, .batchNorm,
      .batchNormGradient, .layerNorm, .layerNormGradient, .lstm, .lstmGradient,
      .gru, .gruGradient,
    ]
    for op in OpCode.allCases {
      let logical = op == .logicalAnd || op == .logicalOr || op == .logicalNot
      let expected = !logical && !composed.contains(op)
      #expect(reference.supports(op, .float32) == expected, "\(op)")
      #expect(reference.supports(op, .float64) == expected, "\(op)")
    }
  }

  @Test func integersSupportArithmeticButNotTranscendentals() {
    for dtype in [DType.int32, .int64] {
      #expect(reference.supports(.add, dtype))
      #expect(reference.supports(.divide, dtype))
      #expect(reference.supports(.argmax, dtype))
      #expect(reference.supports(.scatterAdd, dtype))
      #expect(!reference.supports(.exp, dtype))
      #expect(!reference.supports(.power, dtype))
      #expect(!reference.supports(.matmul, dtype))
      #expect(!reference.supports(.softmax, dtype))
    }
  }

  @Test func bytesAndBoolsSupportOnlyMovingAndComparing() {
    for dtype in [DType.uint8, .bool] {
      #expect(reference.supports(.gather, dtype))
      #expect(reference.supports(.equal, dtype))
      #expect(reference.supports(.select, dtype))
      #expect(!reference.supports(.add, dtype))
      #expect(!reference.supports(.sum, dtype))
      #expect(!reference.supports(.scatterAdd, dtype))
      #expect(!reference.supports(.iota, dtype))
    }
    #expect(reference.supports(.logicalAnd, .bool))
    #expect(!reference.supports(.logicalAnd, .uint8))
  }

  /// bfloat16 is stored, copied and cast here, nothing else (the dispatcher runs other ops in
  /// float32 between casts).
  @Test func bfloat16IsOnlyCastAndCopiedAndUnsupportedOpsThrow() {
    #expect(
      OpCode.allCases.filter { reference.supports($0, .bfloat16) }.sorted {
        $0.rawValue < $1.rawValue
      }
        == [.copy, .cast])
    let x = buffer([1, 2], [2], .uint8)
    #expect(throws: PlexusError.self) { try reference.unary(.exp, x, output([2], .uint8)) }
  }
}
