import Foundation

/// A progress bar for loops over steps, drawn as Keras 3 draws it.
///
/// On a terminal (`verbose: 1`) it redraws one line in place, at most once per `interval`
/// seconds, and ends it with a newline when the last step is reached:
///
/// ```text
///   37/1875 ━━━━━━━━──────────── 2s 1ms/step - accuracy: 0.7500 - loss: 0.6123
/// ```
///
/// Elsewhere (`verbose: 2`, or output that is not a terminal) it stays silent until the end and
/// then prints one line: `1875/1875 - 3s - 1ms/step - accuracy: 0.8219 - loss: 0.5126`.
/// Values are shown as given (callers pass metric results, which are already running means).
/// Done steps are drawn with `━`, the rest with `─`; no colour codes are written.
///
/// Equivalent to `keras.utils.Progbar`.
public final class Progbar {
  /// The total number of steps, or nil when unknown.
  public let target: Int?
  /// The bar's width in characters, 0 to ``maximumWidth``.
  public let width: Int
  /// The widest bar drawn; wider requests are narrowed to it.
  public static let maximumWidth = 1_000
  /// 0: silent, 1: a live bar on a terminal, 2: one line at the end.
  public let verbose: Int
  /// The minimum number of seconds between redraws.
  public let interval: Double
  /// The word after the time per unit (`"step"`).
  public let unitName: String

  private let output: (String) -> Void
  private let clock: () -> Double
  private let liveDisplay: Bool
  private let start: Double
  private var lastUpdate: Double = -Double.infinity
  private var timeAfterFirstStep: Double?
  private var previousWidth = 0
  private var values: [(String, Double)] = []
  private var seen = 0

  /// Creates a progress bar. `output` receives the text to write (standard output by default);
  /// `isTerminal` defaults to `isatty(1)`; `clock` returns seconds (a monotonic clock by
  /// default) and is there for tests.
  public init(
    target: Int?, width: Int = 20, verbose: Int = 1, interval: Double = 0.05,
    unitName: String = "step", output: ((String) -> Void)? = nil, isTerminal: Bool? = nil,
    clock: (() -> Double)? = nil
  ) {
    self.target = target
    self.width = min(max(width, 0), Self.maximumWidth)
    self.verbose = verbose
    self.interval = interval
    self.unitName = unitName
    self.output = output ?? Self.writeToStandardOutput
    self.clock = clock ?? Self.monotonicSeconds
    self.liveDisplay = verbose == 1 && (isTerminal ?? (isatty(1) == 1))
    self.start = self.clock()
  }

  /// Records that `current` steps are done, with the values to show, and redraws when due.
  /// `finalize` defaults to `current >= target`. Equivalent to `progbar.update(...)`.
  public func update(
    _ current: Int, values newValues: [(String, Double)] = [], finalize: Bool? = nil
  ) {
    let finalize = finalize ?? target.map { current >= $0 } ?? false
    for (key, value) in newValues {
      if let index = values.firstIndex(where: { $0.0 == key }) {
        values[index].1 = value
      } else {
        values.append((key, value))
      }
    }
    seen = current
    let now = clock()
    let perUnit = timePerUnit(current, now)
    guard verbose > 0 else { return }
    if liveDisplay {
      guard finalize || now - lastUpdate >= interval else { return }
      let remaining = Double(target ?? 0) - Double(current)
      let time =
        finalize || target == nil
        ? Self.formatElapsed(now - start) : Self.formatETA(perUnit * remaining)
      let line = Self.terminalLine(
        current: current, target: target, width: width, time: time,
        perUnit: Self.formatTimePerUnit(perUnit, unitName: unitName), values: values)
      let visible = line.count
      let padding = String(repeating: " ", count: max(previousWidth - visible, 0))
      output("\r" + line + padding + (finalize ? "\n" : ""))
      previousWidth = visible
    } else if finalize {
      output(
        Self.summaryLine(
          current: current, target: target, elapsed: Self.formatElapsed(now - start),
          perUnit: Self.formatTimePerUnit(perUnit, unitName: unitName), values: values) + "\n")
    }
    lastUpdate = now
  }

  /// Advances by `steps` from the last update. Equivalent to `progbar.add(...)`.
  public func add(_ steps: Int, values: [(String, Double)] = []) {
    let (next, overflow) = seen.addingReportingOverflow(steps)
    update(overflow ? (steps < 0 ? Int.min : Int.max) : next, values: values)
  }

  /// Keras's estimate: time since the first step over the steps after it, once there are two.
  private func timePerUnit(_ current: Int, _ now: Double) -> Double {
    guard current > 0 else { return 0 }
    let result: Double
    if let first = timeAfterFirstStep, current > 1 {
      result = (now - first) / (Double(current) - 1)
    } else {
      result = (now - start) / Double(current)
    }
    if current == 1 { timeAfterFirstStep = now }
    return result
  }

  private static func writeToStandardOutput(_ text: String) {
    // Through C's stdout, like `print`, so lines keep their order when output is piped.
    print(text, terminator: "")
    fflush(nil)
  }

  private static let clockOrigin = ContinuousClock.now

  private static func monotonicSeconds() -> Double {
    let (seconds, attoseconds) = clockOrigin.duration(to: .now).components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
