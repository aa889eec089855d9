import Foundation
import Testing

@testable import Plexus

private func value(_ tensor: Tensor) throws -> Double { try tensor.item() }

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-5) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}

/// `-log softmax(row)[label]`, written out in Double.
private func crossEntropy(_ row: [Double], _ label: Int) -> Double {
  let peak = row.max() ?? 0
  let total = row.map { Foundation.exp($0 - peak) }.reduce(0, +)
  return -(row[label] - peak - Foundation.log(total))
}

private let logits: [Float] = [1, 2, 3, 1, 0, -1]
private let labels: [Int32] = [2, 1]

@Suite struct SparseCategoricalCrossentropyTests {
  @Test func logitsMatchHandComputedValue() throws {
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    let result = try loss(Tensor(labels), Tensor(logits, shape: [2, 3]))
    let expected = (crossEntropy([1, 2, 3], 2) + crossEntropy([1, 0, -1], 1)) / 2
    #expect(close(try value(result), expected))
  }

  @Test func probabilitiesMatchLogitsOnSoftmaxedInputs() throws {
    let x = try Tensor(logits, shape: [2, 3])
    let fromLogits = try SparseCategoricalCrossentropy(fromLogits: true)(Tensor(labels), x)
    let fromProbabilities = try SparseCategoricalCrossentropy()(Tensor(labels), Ops.softmax(x))
    #expect(close(try value(fromLogits), try value(fromProbabilities)))
  }

  @Test func trailingLabelAxisAndReductions() throws {
    let x = try Tensor(logits, shape: [2, 3])
    let y = try Tensor(labels, shape: [2, 1])
    let perSample = try SparseCategoricalCrossentropy(fromLogits: true, reduction: .none)(y, x)
    #expect(perSample.shape == [2])
    let values = try perSample.floats().map(Double.init)
    #expect(close(values[0], crossEntropy([1, 2, 3], 2)))
    #expect(close(values[1], crossEntropy([1, 0, -1], 1)))
    let summed = try SparseCategoricalCrossentropy(fromLogits: true, reduction: .sum)(y, x)
    #expect(close(try value(summed), values[0] + values[1]))
    let weighted = try SparseCategoricalCrossentropy(fromLogits: true)(
      y, x, sampleWeight: Tensor([2, 0] as [Float]))
    #expect(close(try value(weighted), 2 * values[0] / 2))
  }

  @Test func floatLabelsThrowNamingTheLossAndDtypes() throws {
    let loss = SparseCategoricalCrossentropy()
    let predictions = try Tensor.zeros([32, 10])
    #expect {
      _ = try loss(Tensor.zeros([32]), predictions)
    } throws: { error in
      let text = "\(error)"
      return text.contains("SparseCategoricalCrossentropy") && text.contains("float32")
        && text.contains("int32") && text.contains("(32,)")
    }
    #expect(throws: PlexusError.self) { _ = try loss(Tensor.zeros([32]), predictions) }
  }

  @Test func wrongLabelShapeThrowsNamingBothShapes() throws {
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    #expect {
      _ = try loss(Tensor.zeros([32, 10], dtype: .int32), Tensor.zeros([32, 10]))
    } throws: { error in
      let text = "\(error)"
      return text.contains("SparseCategoricalCrossentropy") && text.contains("(32, 10)")
        && text.contains("(32,)")
    }
  }
}

@Suite struct CategoricalCrossentropyTests {
  private let targets: [Float] = [0, 0, 1, 0, 1, 0]

  @Test func logitsAndProbabilitiesMatchHandComputedValue() throws {
    let x = try Tensor(logits, shape: [2, 3])
    let y = try Tensor(targets, shape: [2, 3])
    let expected = (crossEntropy([1, 2, 3], 2) + crossEntropy([1, 0, -1], 1)) / 2
    #expect(close(try value(CategoricalCrossentropy(fromLogits: true)(y, x)), expected))
    #expect(close(try value(CategoricalCrossentropy()(y, Ops.softmax(x))), expected))
  }

  @Test func labelSmoothingSpreadsTheTargets() throws {
    let x = try Tensor(logits, shape: [2, 3])
    let y = try Tensor(targets, shape: [2, 3])
    let loss = CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.3)
    // Smoothed targets: 0.7 * onehot + 0.1.
    var expected = 0.0
    for (row, label) in [([1.0, 2, 3], 2), ([1.0, 0, -1], 1)] {
      for index in 0..<3 {
        expected += (index == label ? 0.8 : 0.1) * crossEntropy(row, index) / 2
      }
    }
    #expect(close(try value(loss(y, x)), expected))
  }

  @Test func shapeMismatchThrows() throws {
    #expect {
      _ = try CategoricalCrossentropy()(Tensor.zeros([4, 2]), Tensor.zeros([4, 3]))
    } throws: { error in
      "\(error)".contains("CategoricalCrossentropy") && "\(error)".contains("(4, 2)")
        && "\(error)".contains("(4, 3)")
    }
  }
}

@Suite struct BinaryCrossentropyTests {
  private let x: [Float] = [0.5, -1, 2, 0]
  private let y: [Float] = [1, 0, 0, 1]

  private var expected: Double {
    zip(x, y).map { x, y in
      let p = 1 / (1 + Foundation.exp(-Double(x)))
      return -(Double(y) * Foundation.log(p) + (1 - Double(y)) * Foundation.log(1 - p))
    }.reduce(0, +) / 4
  }

  @Test func logitsAndProbabilitiesMatchHandComputedValue() throws {
    let logitsTensor = try Tensor(x, shape: [2, 2])
    let targets = try Tensor(y, shape: [2, 2])
    let fromLogits = try BinaryCrossentropy(fromLogits: true)(targets, logitsTensor)
    let fromProbabilities = try BinaryCrossentropy()(targets, Ops.sigmoid(logitsTensor))
    #expect(close(try value(fromLogits), expected))
    #expect(close(try value(fromProbabilities), expected))
  }

  @Test func targetsWithoutTrailingAxisAreAccepted() throws {
    let result = try BinaryCrossentropy(fromLogits: true)(Tensor(y), Tensor(x, shape: [4, 1]))
    #expect(close(try value(result), expected))
  }

  @Test func probabilitiesAreClipped() throws {
    let result = try BinaryCrossentropy()(Tensor([1] as [Float]), Tensor([0] as [Float]))
    #expect(close(try value(result), -Foundation.log(1e-7), 1e-3))
  }

  @Test func shapeMismatchThrows() throws {
    #expect(throws: PlexusError.self) {
      _ = try BinaryCrossentropy()(Tensor.zeros([3]), Tensor.zeros([4]))
    }
  }
}

@Suite struct MeanSquaredErrorTests {
  @Test func matchesHandComputedValue() throws {
    let result = try MeanSquaredError()(
      Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]),
      Tensor([1, 0, 0, 8] as [Float], shape: [2, 2]))
    // Per sample: (0 + 4) / 2 = 2 and (9 + 16) / 2 = 12.5; mean 7.25.
    #expect(close(try value(result), 7.25))
  }

  @Test func namedResolvesKerasNames() throws {
    #expect(try Loss.named("mse") is MeanSquaredError)
    #expect(try Loss.named("sparse_categorical_crossentropy") is SparseCategoricalCrossentropy)
    #expect(try Loss.named("categorical_crossentropy") is CategoricalCrossentropy)
    #expect(try Loss.named("binary_crossentropy").name == "binary_crossentropy")
    #expect {
      _ = try Loss.named("not_a_loss")
    } throws: { error in
      "\(error)".contains("not_a_loss") && "\(error)".contains("mean_squared_error")
    }
  }
}
