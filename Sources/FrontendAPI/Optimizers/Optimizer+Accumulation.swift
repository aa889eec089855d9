extension Optimizer {
  /// The steps each update sums (``gradientAccumulationSteps``), or nil when it is off: nil or
  /// 0, which Keras treats as off too.
  var accumulatesOver: Int? {
    guard let steps = gradientAccumulationSteps, steps != 0 else { return nil }
    return steps
  }

  /// Keras's raw step count (`optimizer._iterations`, what a saved optimizer holds): every
  /// ``apply(_:to:)`` call, updates and accumulated ones alike. Setting it splits it into
  /// ``iterations`` and ``accumulatedSteps``.
  var rawIterations: Int {
    get {
      guard let steps = accumulatesOver, steps > 1 else { return iterations }
      // Saturates rather than wraps: no run reaches Int.max steps, but a count set directly
      // (`iterations`, or a change of the setting after loading) may.
      let (updates, overflow) = iterations.multipliedReportingOverflow(by: steps)
      let (raw, carry) = updates.addingReportingOverflow(accumulatedSteps)
      return overflow || carry ? Int.max : raw
    }
    set {
      guard let steps = accumulatesOver, steps > 1 else {
        iterations = newValue
        accumulatedSteps = 0
        return
      }
      iterations = newValue / steps
      accumulatedSteps = newValue % steps
    }
  }

  /// The gradient accumulator of `variable` (zeros until a step adds to it), created on first
  /// use; Keras's `gradient_accumulator`.
  func gradientAccumulator(of variable: Variable) throws -> Variable {
    let key = ObjectIdentifier(variable)
    if let entry = accumulatorTable[key], entry.owner === variable,
      let accumulator = entry.slots.first
    {
      return accumulator
    }
    let accumulator = registerState(
      Variable(
        try Tensor.zeros(variable.shape, dtype: variable.dtype),
        name: "\(variable.path)_gradient_accumulator", trainable: false))
    accumulatorTable[key] = SlotEntry(owner: variable, slots: [accumulator])
    return accumulator
  }

  /// One step of ``gradientAccumulationSteps``: before the last step of a group, adds
  /// `gradients` to the accumulators of `variables` and returns nil (no update); on the last,
  /// returns `(gradient + accumulated) / steps` for each and empties the accumulators, as
  /// Keras's `apply` does (``accumulatedSteps`` goes back to 0 with the update's count, so
  /// that the update's rate is the schedule's at the raw count, as Keras's).
  func accumulate(_ gradients: [Tensor], of variables: [Variable]) throws -> [Tensor]? {
    guard let steps = accumulatesOver else { return gradients }
    if let recorder = Dispatcher.scope.recorder {
      recorder.refuse(
        "\(name) accumulates gradients over \(steps) steps (gradientAccumulationSteps): "
          + "whether a step updates depends on the host's count")
    }
    let accumulators = try variables.map { try gradientAccumulator(of: $0) }
    if accumulatedSteps + 1 < steps {
      for (accumulator, gradient) in zip(accumulators, gradients) {
        try accumulator.assign(Ops.add(current(accumulator), gradient))
      }
      accumulatedSteps += 1
      return nil
    }
    let mean = try zip(gradients, accumulators).map { gradient, accumulator in
      try Ops.divide(
        Ops.add(gradient, current(accumulator)), scalar(Double(steps), gradient.dtype))
    }
    // Keras empties every accumulator, also those of variables without a gradient this step.
    for entry in accumulatorTable.values {
      for accumulator in entry.slots {
        try accumulator.assign(Tensor.zeros(accumulator.shape, dtype: accumulator.dtype))
      }
    }
    return mean
  }
}
