extension Variable {
  /// Projected onto after every optimizer update: ``Optimizer/apply(_:to:)`` assigns
  /// `constraint(value)` once the variable is updated. Equivalent to Keras's
  /// `variable.constraint`.
  ///
  /// ```swift
  /// let kernel = try layer.addWeight(name: "kernel", shape: [4, 2])
  /// kernel.constraint = MaxNorm(3)
  /// ```
  public var constraint: (any Constraint)? {
    get { VariableConstraints.constraint(of: self) }
    set { VariableConstraints.set(newValue, for: self) }
  }
}

/// The constraints set on variables. They live beside the variables, not in them, so that a
/// variable's own state (its value, path and trainable switch, guarded for concurrent use)
/// stays as it is; few variables have a constraint. Entries hold their variable weakly: a
/// freed variable's entry is dropped, and a new variable at the same address never inherits it.
enum VariableConstraints {
  private struct Entry {
    weak var owner: Variable?
    let constraint: any Constraint
  }

  private static let table = Locked([ObjectIdentifier: Entry]())

  static func constraint(of variable: Variable) -> (any Constraint)? {
    table.withLock { table in
      guard let entry = table[ObjectIdentifier(variable)], entry.owner === variable else {
        return nil
      }
      return entry.constraint
    }
  }

  static func set(_ constraint: (any Constraint)?, for variable: Variable) {
    table.withLock { table in
      table = table.filter { $0.value.owner != nil }
      table[ObjectIdentifier(variable)] = constraint.map { Entry(owner: variable, constraint: $0) }
    }
  }
}
