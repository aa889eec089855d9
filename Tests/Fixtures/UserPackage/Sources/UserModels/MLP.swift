import Plexus

/// A subclassed model with its layers as properties, one of them the custom layer.
public final class MLP: Model {
  let hidden = Dense(16, activation: .relu)
  let scale = Scale()
  let output = Dense(2)

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    try output(scale(hidden(x, training: training), training: training), training: training)
  }
}

/// Trains two models in parallel, each in its own task, then serves one from many tasks.
public func trainAndServe(_ x: Tensor, _ y: Tensor) async throws -> [Tensor] {
  let first = try await withThrowingTaskGroup(of: [Tensor].self) { group in
    for _ in 0..<2 {
      group.addTask {
        let model = MLP()
        try model.compile(optimizer: Adam(), loss: "mse")
        try model.fit(x, y, epochs: 1, verbose: 0)
        return model.getWeights()
      }
    }
    var all: [[Tensor]] = []
    for try await weights in group { all.append(weights) }
    return all[0]
  }
  let model = MLP()
  _ = try model(x)
  try model.setWeights(first)
  let shared = SharedModel(model)
  return try await withThrowingTaskGroup(of: Tensor.self) { group in
    for _ in 0..<4 { group.addTask { try shared.predict(x) } }
    var outputs: [Tensor] = []
    for try await output in group { outputs.append(output) }
    return outputs
  }
}
