/// The callbacks of one `fit`, `evaluate` or `predict` call, called in order.
struct CallbackList {
  let callbacks: [any Callback]

  /// Sets each callback's model and, as Keras does, its params: `epochs`, `steps`, `verbose`.
  init(_ callbacks: [any Callback], model: Model, epochs: Int = 1, steps: Int, verbose: Int) {
    self.callbacks = callbacks
    let params = ["epochs": epochs, "steps": steps, "verbose": verbose]
    for callback in callbacks {
      callback.model = model
      callback.setParams(params)
    }
  }

  func each(_ body: (any Callback) throws -> Void) throws {
    for callback in callbacks { try body(callback) }
  }
}
