extension Optimizer {
  /// Moves every variable's average towards the variable after a step and, every
  /// ``emaOverwriteFrequency`` steps, copies the averages into the variables, as Keras's
  /// `_update_model_variables_moving_average` does (the first step copies the variable).
  func updateMovingAverages(of variables: [Variable]) throws {
    let momentum = iterations == 0 ? 0 : emaMomentum
    for variable in variables {
      let average = try movingAverage(of: variable)
      let dtype = variable.dtype
      try average.assign(
        Ops.add(
          Ops.multiply(current(average), scalar(momentum, dtype)),
          Ops.multiply(current(variable), scalar(1 - momentum, dtype))))
    }
    guard let frequency = emaOverwriteFrequency, frequency > 0,
      (iterations + 1) % frequency == 0
    else { return }
    try overwriteWithMovingAverages(variables)
  }

  /// Replaces each of `variables` that has a moving average by it (nothing without
  /// ``useEMA``). `fit` calls it when training ends, so the model keeps the averaged weights;
  /// a custom training loop calls it itself. Equivalent to
  /// `optimizer.finalize_variable_values(variables)`.
  public func finalizeVariableValues(_ variables: [Variable]) throws {
    guard useEMA else { return }
    try overwriteWithMovingAverages(variables)
  }

  private func overwriteWithMovingAverages(_ variables: [Variable]) throws {
    for variable in variables {
      let key = ObjectIdentifier(variable)
      guard let entry = averageTable[key], entry.owner === variable,
        let average = entry.slots.first
      else { continue }
      try variable.assign(current(average))
    }
  }
}
