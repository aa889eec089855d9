import BackendProtocol
import Synchronization

extension Dispatcher {
  /// How many captures are under way in the process, and the newest one's epoch.
  private static let capturesUnderWay = Atomic<Int>(0)
  private static let newestCaptureEpoch = Atomic<UInt64>(0)

  /// Starts a capture: returns its epoch, larger than every earlier one's. Pair with
  /// ``endCapture()``.
  static func beginCapture() -> UInt64 {
    capturesUnderWay.add(1, ordering: .relaxed)
    return newestCaptureEpoch.add(1, ordering: .relaxed).newValue
  }

  /// Ends a capture started with ``beginCapture()``.
  static func endCapture() {
    capturesUnderWay.subtract(1, ordering: .relaxed)
  }

  /// While a capture is under way anywhere, marks the outputs of an op that no capture
  /// recorded (it ran on a thread or detached task outside the capture's scope) with the
  /// newest capture's epoch: a capture that reads such a value would replay it as a constant,
  /// so it refuses the step instead (``StepRecorder``). When none is under way, one relaxed
  /// load.
  @inline(__always)
  static func markUnrecorded(_ outputs: [TensorBuffer]) {
    guard capturesUnderWay.load(ordering: .relaxed) > 0 else { return }
    let epoch = newestCaptureEpoch.load(ordering: .relaxed)
    for output in outputs { output.storage.unrecordedCaptureEpoch = epoch }
  }
}
