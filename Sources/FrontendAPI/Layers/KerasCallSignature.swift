/// A layer whose Keras `call` takes its tensors as separate positional arguments and options as
/// keyword arguments (`mha(query, value, use_causal_mask=True)`), and whose `build` takes one
/// named shape per tensor (`build_config: {"shapes_dict": {"query_shape": ...}}`).
///
/// A Functional model records such a call as Keras does (each tensor its own entry of the node's
/// `args`, the options in its `kwargs`), replays the options on every run, and reads both back.
protocol KerasCallSignature: Layer {
  /// The names of `call`'s tensor arguments in order (`["query", "value", "key"]`); the shapes
  /// in `build_config` are these names with `_shape` appended.
  static var tensorArguments: [String] { get }

  /// The names of the tensors `call` takes by keyword only, which the layer is not built for
  /// (attention's `["attention_mask"]`); none by default.
  static var keywordTensorArguments: [String] { get }

  /// Checks the keyword options of one call (everything but the tensors, `training` and a null
  /// `mask`), throwing an error that names the unsupported ones.
  func checkCallOptions(_ options: [String: ConfigValue]) throws

  /// Computes the output from `inputs`, the tensors passed by keyword (`named`) and the keyword
  /// `options` (checked).
  func call(
    _ inputs: [Tensor], named: [String: Tensor], options: [String: ConfigValue], training: Bool
  ) throws -> Tensor
}

extension KerasCallSignature {
  static var keywordTensorArguments: [String] { [] }

  /// Refuses keyword tensors this layer's `call` does not take, or takes once.
  func checkKeywordTensors(_ names: [String]) throws {
    let known = Self.keywordTensorArguments
    guard names.allSatisfy(known.contains), Set(names).count == names.count else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes the tensors \(known) by keyword, each at most once; received \(names)")
    }
  }
}

extension Layer {
  /// Applies the layer with keyword options and keyword tensors recorded in a Functional node
  /// (the last `keywords.count` of `inputs`, by these names): a plain call when there are none.
  func apply(
    _ inputs: [Tensor], options: [String: ConfigValue], keywords: [String] = [], training: Bool
  ) throws -> Tensor {
    guard !options.isEmpty || !keywords.isEmpty else {
      return try apply(inputs, training: training)
    }
    if keywords.isEmpty, let layer = self as? any ListCallOptions {
      try prepare(inputs)
      let output = try autocasting(inputs) {
        [try layer.call($0, options: options, training: training)]
      }
      return try withOutputMask(output[0], inputs: inputs)
    }
    guard let layer = self as? any KerasCallSignature else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes no call options; received \(options.keys.sorted() + keywords)")
    }
    let (positional, named) = try splitKeywordTensors(inputs, keywords)
    try prepare(positional)
    let output = try autocasting(positional) {
      [try layer.call($0, named: named, options: options, training: training)]
    }
    return try withOutputMask(output[0], inputs: positional)
  }

  /// A node's tensors split into the positional ones and those passed by keyword: the last
  /// `keywords.count` of `inputs`, by these names.
  func splitKeywordTensors(_ inputs: [Tensor], _ keywords: [String]) throws -> (
    positional: [Tensor], named: [String: Tensor]
  ) {
    guard keywords.count <= inputs.count else {
      throw PlexusError.invalidState(
        context: "Layer \(identity)",
        message: "a node names \(keywords.count) keyword tensors but has \(inputs.count) inputs")
    }
    let named = Dictionary(
      zip(keywords, inputs.suffix(keywords.count)), uniquingKeysWith: { first, _ in first })
    return (Array(inputs.dropLast(keywords.count)), named)
  }
}

/// A layer Keras calls on one list of tensors with keyword options
/// (`attention([query, value], use_causal_mask=True)`): a Functional model records the options
/// in the node's `kwargs` beside the list, as Keras does, and replays them on every run.
protocol ListCallOptions: Layer {
  /// Checks the keyword options of one call, throwing an error that names the unsupported ones.
  func checkCallOptions(_ options: [String: ConfigValue]) throws

  /// Computes the output from `inputs` and the keyword `options` (checked).
  func call(_ inputs: [Tensor], options: [String: ConfigValue], training: Bool) throws -> Tensor
}
