/// The callbacks of one `fit`, `evaluate` or `predict` call, called in order.
struct CallbackList {
  let callbacks: [any Callback]

  init(_ callbacks: [any Callback], model: Model) {
    self.callbacks = callbacks
    for callback in callbacks { callback.model = model }
  }

  func each(_ body: (any Callback) throws -> Void) throws {
    for callback in callbacks { try body(callback) }
  }
}
