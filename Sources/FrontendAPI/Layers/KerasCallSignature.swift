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

  /// Checks the keyword options of one call (everything but the tensors, `training` and a null
  /// `mask`), throwing an error that names the unsupported ones.
  func checkCallOptions(_ options: [String: ConfigValue]) throws

  /// Computes the output from `inputs` with the keyword `options` (checked).
  func call(_ inputs: [Tensor], options: [String: ConfigValue], training: Bool) throws -> Tensor
}

extension Layer {
  /// Applies the layer with keyword options recorded in a Functional node: a plain call when
  /// there are none.
  func apply(_ inputs: [Tensor], options: [String: ConfigValue], training: Bool) throws
    -> Tensor
  {
    guard !options.isEmpty else { return try apply(inputs, training: training) }
    guard let layer = self as? any KerasCallSignature else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "takes no call options; received \(options.keys.sorted())")
    }
    try prepare(inputs)
    return try withOutputMask(
      layer.call(inputs, options: options, training: training), inputs: inputs)
  }
}
