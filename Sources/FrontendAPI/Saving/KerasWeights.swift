/// Keras 3's layout of a model's state in HDF5 (`model.weights.h5` in a `.keras` zip, or a
/// `.weights.h5` file), as `keras.src.saving.saving_lib` walks it:
///
/// - every layer (and model) has a group `PATH/vars`, with its name as the attribute `name` and
///   its own variables as datasets `"0"`, `"1"`, ... (trainable ones first, each in creation
///   order); the root model's is `vars`;
/// - a Sequential or Functional model's layers sit in `PATH/layers/NAME`, where NAME is the
///   layer's class in snake case, numbered from the second of a class (`dense`, `dense_1`), so
///   paths do not depend on layer names; a Functional model lists its inputs there too
///   (`input_layer`);
/// - a subclassed model's sublayers sit at their property names (sorted, `_private` last), a
///   property holding an array at `PROPERTY/NAME` as above;
/// - a compiled model's optimizer sits in `optimizer/vars`: iterations (int64), the learning
///   rate (float32), then its slots in Keras's order.
///
/// A layer reached twice (shared) is written once, at the first path.
enum KerasWeights {
  /// One object whose own state is saved at `path/vars`.
  struct Entry {
    let path: String
    let name: String
    let variables: [Variable]
    let owner: String
  }

  // MARK: Walking the model

  /// The entries of `model`, in Keras's order.
  static func entries(of model: Layer) -> [Entry] {
    var entries: [Entry] = []
    var visited = Set<ObjectIdentifier>()
    walk(model, path: "", visited: &visited, into: &entries)
    return entries
  }

  private static func walk(
    _ layer: Layer, path: String, visited: inout Set<ObjectIdentifier>, into entries: inout [Entry]
  ) {
    guard visited.insert(ObjectIdentifier(layer)).inserted else { return }
    let own = layer.ownVariables
    entries.append(
      Entry(
        path: path, name: layer.name,
        variables: own.filter(\.createdTrainable) + own.filter { !$0.createdTrainable },
        owner: "\(layer.className) '\(layer.name)'"))
    let model = layer as? Model
    if let sequential = layer as? Sequential {
      container(
        sequential.layers.map { .layer($0) }, path: join(path, "layers"), visited: &visited,
        into: &entries)
    } else if let graph = model?.graph {
      container(
        Model.kerasOrder(graph), path: join(path, "layers"), visited: &visited, into: &entries)
    } else {
      var byProperty: [String: [(String, Layer)]] = [:]
      let renamed = (layer as? any KerasAttributeNaming).map { type(of: $0).kerasAttributeNames }
      for (label, child) in layer.sublayers {
        let swiftProperty = String(label.prefix { $0 != "." })
        let property = renamed?[swiftProperty] ?? swiftProperty
        let label = property + label.dropFirst(swiftProperty.count)
        byProperty[property, default: []].append((label, child))
      }
      let sorted = byProperty.keys.sorted { sortKey($0) < sortKey($1) }
      for property in sorted {
        let children = byProperty[property] ?? []
        if children.count == 1, children[0].0 == property {
          walk(children[0].1, path: join(path, property), visited: &visited, into: &entries)
        } else {
          container(
            children.map { .layer($0.1) }, path: join(path, property), visited: &visited,
            into: &entries)
        }
      }
    }
  }

  /// Keras's `_save_container_state`: each member at its class name, numbered per class.
  private static func container(
    _ members: [Model.KerasOperation], path: String, visited: inout Set<ObjectIdentifier>,
    into entries: inout [Entry]
  ) {
    var used: [String: Int] = [:]
    func unique(_ base: String) -> String {
      if let count = used[base] {
        used[base] = count + 1
        return "\(base)_\(count + 1)"
      }
      used[base] = 0
      return base
    }
    for member in members {
      switch member {
      case .input(let input):
        let name = Model.inputName(input)
        entries.append(
          Entry(
            path: join(path, unique("input_layer")), name: name, variables: [],
            owner: "InputLayer '\(name)'"))
      case .layer(let layer):
        walk(
          layer, path: join(path, unique(LayerNames.snakeCase(layer.className))),
          visited: &visited, into: &entries)
      }
    }
  }

  /// Keras's `_name_key`: attributes starting with `_` sort last.
  private static func sortKey(_ name: String) -> String {
    name.hasPrefix("_") ? "~" + name : name
  }

  private static func join(_ path: String, _ name: String) -> String {
    path.isEmpty ? name : path + "/" + name
  }

  static func varsGroup(_ path: String) -> String { join(path, "vars") }

  // MARK: Writing

  /// Writes the state of `model` (and of its optimizer, when compiled and `includeOptimizer`)
  /// into `file`.
  static func write(_ model: Model, to file: HDF5File, includeOptimizer: Bool = true) throws {
    for entry in entries(of: model) {
      try writeGroup(
        file, path: entry.path, name: entry.name, values: entry.variables.map(\.value),
        owner: entry.owner)
    }
    if includeOptimizer, let optimizer = model.compiled?.optimizer {
      let state = try optimizerState(optimizer, model: model)
      try writeGroup(
        file, path: "optimizer", name: optimizer.name, values: state.map(\.tensor),
        owner: "optimizer '\(optimizer.name)'")
    }
  }

  private static func writeGroup(
    _ file: HDF5File, path: String, name: String, values: [Tensor], owner: String
  ) throws {
    let group = varsGroup(path)
    try file.createGroup(group)
    try file.setAttribute("name", name, onGroup: group)
    for (index, value) in values.enumerated() {
      guard let element = element(for: value.dtype) else {
        throw PlexusError.unsupported(
          op: "saving \(owner) variable \(index)", dtype: value.dtype, backend: "HDF5")
      }
      let bytes = UnsafeRawBufferPointer(
        start: value.buffer.pointer(UInt8.self), count: value.count * value.dtype.byteSize)
      try file.writeDataset(
        group + "/\(index)", shape: value.shape.dims, element: element, bytes: bytes)
    }
  }

  /// A saved optimizer value: a tensor, and the variable it is loaded back into (nil for the
  /// iteration count and the learning rate, which are plain numbers in Plexus).
  struct OptimizerValue {
    let tensor: Tensor
    let slot: Variable?
  }

  /// The optimizer's state as Keras lists `optimizer.variables`: iterations, the learning rate
  /// (unless a schedule gives it), then ``Optimizer/stateVariables(for:)`` of the model's
  /// trainable variables (created as zeros when no step ran, as Keras builds them at `compile`).
  static func optimizerState(_ optimizer: Optimizer, model: Model) throws -> [OptimizerValue] {
    let trainable = kerasTrainableVariables(of: model)
    let state = try optimizer.stateVariables(for: trainable)
    // Keras saves its raw count (`_iterations`): with gradient accumulation, every step.
    var values = [OptimizerValue(tensor: Tensor(Int64(optimizer.rawIterations)), slot: nil)]
    if optimizer.learningRateSchedule == nil {
      values.append(OptimizerValue(tensor: Tensor(Float(optimizer.learningRate)), slot: nil))
    }
    return values + state.map { OptimizerValue(tensor: $0.value, slot: $0) }
  }

  /// Keras's `model.trainable_variables` order, which the optimizer's slots follow: a layer's
  /// own variables, then its layers' in turn (a Sequential's in order, a Functional model's in
  /// Keras's order, which can differ from Plexus's first-use order, and any other layer's in the
  /// order its properties are declared, as Keras tracks them: Bidirectional's forward layer
  /// before its backward one, though the file sorts their paths the other way).
  static func kerasTrainableVariables(of model: Layer) -> [Variable] {
    var result: [Variable] = []
    var seenLayers = Set<ObjectIdentifier>()
    var seenVariables = Set<ObjectIdentifier>()
    func visit(_ layer: Layer) {
      guard seenLayers.insert(ObjectIdentifier(layer)).inserted else { return }
      for variable in layer.ownVariables
      where variable.trainable && seenVariables.insert(ObjectIdentifier(variable)).inserted {
        result.append(variable)
      }
      if let graph = (layer as? Model)?.graph, !(layer is Sequential) {
        for case .layer(let child) in Model.kerasOrder(graph) { visit(child) }
      } else if let sequential = layer as? Sequential {
        for child in sequential.layers { visit(child) }
      } else {
        for (_, child) in layer.sublayers { visit(child) }
      }
    }
    visit(model)
    return result
  }

  // MARK: Reading

  /// Loads the state in `file` into `model`: every layer's variables (their number and shapes
  /// must match) and, when `includeOptimizer` and the model is compiled, the optimizer's.
  /// Nothing is assigned unless everything was read.
  static func read(
    into model: Model, from file: HDF5File, includeOptimizer: Bool = true
  ) throws {
    var assignments: [(Variable, Tensor)] = []
    for entry in entries(of: model) {
      let values = try readGroup(
        file, path: entry.path, expecting: entry.variables.map { ($0.shape, $0.dtype) },
        owner: entry.owner)
      assignments += zip(entry.variables, values).map { ($0, $1) }
    }
    var optimizerUpdate: (() -> Void)?
    if includeOptimizer, let optimizer = model.compiled?.optimizer,
      try file.exists(varsGroup("optimizer"))
    {
      let state = try optimizerState(optimizer, model: model)
      let scalars = optimizer.learningRateSchedule == nil ? 2 : 1
      let stored = try file.members(ofGroup: varsGroup("optimizer")).count
      // Keras writes only the iteration count (and the rate) for an optimizer no step built.
      let expected = stored == scalars ? Array(state.prefix(scalars)) : state
      let values = try readGroup(
        file, path: "optimizer",
        expecting: expected.map { ($0.tensor.shape, $0.tensor.dtype) },
        owner: "optimizer '\(optimizer.name)'")
      for (value, loaded) in zip(expected, values) {
        if let slot = value.slot { assignments.append((slot, loaded)) }
      }
      let iterations = try values[0].item()
      let rate = scalars == 2 ? try values[1].item() : nil
      guard iterations >= 0, iterations < 9e15, rate.map({ $0.isFinite && $0 >= 0 }) ?? true else {
        throw PlexusError.invalidArgument(
          context: "\(file.label) optimizer '\(optimizer.name)'",
          message: "holds iterations \(iterations) and learning rate \(rate ?? .nan); expected a "
            + "count ≥ 0 and a finite rate ≥ 0")
      }
      optimizerUpdate = {
        optimizer.rawIterations = Int(iterations)
        if let rate { optimizer.learningRate = rate }
      }
    }
    for (variable, value) in assignments { try variable.assign(value) }
    optimizerUpdate?()
  }

  private static func readGroup(
    _ file: HDF5File, path: String, expecting expected: [(Shape, DType)], owner: String
  ) throws -> [Tensor] {
    let group = varsGroup(path)
    let members = try file.exists(group) ? try file.members(ofGroup: group) : []
    guard members.count == expected.count else {
      throw PlexusError.invalidArgument(
        context: "\(file.label): \(owner) at '\(group)'",
        message: "expected \(expected.count) variables, the file holds \(members.count)")
    }
    return try expected.enumerated().map { index, item in
      let (shape, dtype) = item
      let path = group + "/\(index)"
      guard members.contains("\(index)") else {
        throw PlexusError.invalidArgument(
          context: "\(file.label): \(owner)", message: "has no dataset '\(path)'")
      }
      return try readTensor(file, path, shape: shape, dtype: dtype, owner: owner)
    }
  }

  /// The dataset at `path` as a tensor of `dtype` and `shape` (refused before any allocation
  /// when the file's shape differs). Shared with the legacy `.h5` loader.
  static func readTensor(
    _ file: HDF5File, _ path: String, shape: Shape, dtype: DType, owner: String
  ) throws -> Tensor {
    guard let element = element(for: dtype) else {
      throw PlexusError.unsupported(op: "loading \(owner)", dtype: dtype, backend: "HDF5")
    }
    let bytes = try file.readDataset(path, as: element, expectedShape: shape.dims)
    let buffer = try TensorBuffer.allocate(dtype, shape)
    bytes.withUnsafeBytes { source in
      guard let base = source.baseAddress else { return }
      UnsafeMutableRawPointer(buffer.pointer(UInt8.self)).copyMemory(
        from: base, byteCount: source.count)
    }
    return Tensor(buffer)
  }

  private static func element(for dtype: DType) -> HDF5File.Element? {
    switch dtype {
    case .float32: .float32
    case .float64: .float64
    case .int32: .int32
    case .int64: .int64
    case .uint8, .bool: .uint8
    case .bfloat16: nil
    }
  }
}

/// A built-in layer whose sublayers Keras saves under attribute names other than their Swift
/// property labels (Bidirectional's `forwardLayer` is Keras's `forward_layer`): the walk above
/// uses Keras's names, so that weight files keep Keras's paths.
protocol KerasAttributeNaming: Layer {
  /// Swift property label → Keras attribute name.
  static var kerasAttributeNames: [String: String] { get }
}
