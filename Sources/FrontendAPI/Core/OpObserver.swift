/// Sees every op the dispatcher executes while it is registered (see
/// ``Dispatcher/withObserver(_:_:)`` and ``Dispatcher/addObserver(_:)``). Called on the thread
/// that dispatched the op, right after the backend returned; keep it quick.
public protocol OpObserver: AnyObject, Sendable {
  /// Called once per executed op.
  func didExecute(_ event: OpEvent)
}
