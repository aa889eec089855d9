extension Optimizer {
  /// The optimizer's state for `variables` in the order of Keras's `optimizer.variables`, less
  /// its first entries (`iterations`, and `learning_rate` when it is not a schedule): with
  /// ``useEMA`` the moving average of every variable, with ``gradientAccumulationSteps`` the
  /// gradient accumulator of every variable, then each of ``slotGroups`` for every
  /// variable in turn (Adam: `m1, v1, m2, v2, …`, then `amsgrad`'s `velocity_hat` of every
  /// variable), then the state kept once for the optimizer (Nadam's running product).
  ///
  /// Missing state is created as a first ``apply(_:to:)`` would create it (zeros, or the
  /// slot's ``initialValue(ofSlot:)``), so a saved optimizer can be restored before it has
  /// taken a step: pass the variables it trains (`model.trainableWeights`) in the same order
  /// as when it was saved, assign the saved values, and set ``iterations`` (and
  /// ``accumulatedSteps``).
  ///
  /// ```swift
  /// let state = try optimizer.stateVariables(for: model.trainableWeights)
  /// for (variable, saved) in zip(state, savedValues) { try variable.assign(saved) }
  /// optimizer.iterations = savedIterations
  /// ```
  public func stateVariables(for variables: [Variable]) throws -> [Variable] {
    try requireDistinct(variables, "stateVariables")
    var result: [Variable] = []
    if useEMA { result += try variables.map { try movingAverage(of: $0) } }
    if accumulatesOver != nil {
      result += try variables.map { try gradientAccumulator(of: $0) }
    }
    let perVariable = try variables.map { try slots(for: $0) }
    var offset = 0
    for group in slotGroups {
      for slots in perVariable where slots.count >= offset + group.count {
        result += slots[offset..<(offset + group.count)]
      }
      offset += group.count
    }
    result += try sharedState(for: variables)
    return result
  }

  /// The slots of `variable` (``slotGroups`` concatenated), created on first use.
  func slots(for variable: Variable) throws -> [Variable] {
    let key = ObjectIdentifier(variable)
    if let entry = slotTable[key], entry.owner === variable { return entry.slots }
    let created = try slotGroups.joined().map { slotName in
      try makeState(like: variable, named: slotName, value: initialValue(ofSlot: slotName))
    }
    slotTable[key] = SlotEntry(owner: variable, slots: created)
    return created
  }

  /// The moving average of `variable` (zeros until the first step copies the variable),
  /// created on first use.
  func movingAverage(of variable: Variable) throws -> Variable {
    let key = ObjectIdentifier(variable)
    if let entry = averageTable[key], entry.owner === variable, let average = entry.slots.first {
      return average
    }
    let average = try makeState(like: variable, named: "average", value: 0)
    averageTable[key] = SlotEntry(owner: variable, slots: [average])
    return average
  }

  /// A new state variable of `variable`'s shape and dtype filled with `value`, named
  /// `<path>_<slot>` as Keras names it, and recorded in ``variables``.
  private func makeState(like variable: Variable, named slotName: String, value: Double) throws
    -> Variable
  {
    let initial =
      value == 0
      ? try Tensor.zeros(variable.shape, dtype: variable.dtype)
      : try Tensor.full(variable.shape, value: value, dtype: variable.dtype)
    return registerState(Variable(initial, name: "\(variable.path)_\(slotName)", trainable: false))
  }

  /// Records a new state variable in ``variables`` and returns it.
  func registerState(_ variable: Variable) -> Variable {
    stateOrder.append(variable)
    return variable
  }
}
