import Foundation

extension Progbar {
  /// The live line without control characters:
  /// `  37/1875 ━━━━━━━━──────────── 2s 1ms/step - accuracy: 0.7500`.
  public static func terminalLine(
    current: Int, target: Int?, width: Int, time: String, perUnit: String,
    values: [(String, Double)]
  ) -> String {
    var line: String
    let width = min(max(width, 0), maximumWidth)
    if let target {
      // Clamped before converting: Int(_:) of a huge or NaN Double traps.
      let fraction = target > 0 ? min(max(Double(current) / Double(target), 0), 1) : 1
      let done = min(Int(Double(width) * fraction), width)
      line = counter(current, target) + " "
      line += String(repeating: "━", count: done) + String(repeating: "─", count: width - done)
    } else {
      line = padded(current, to: 7) + "/Unknown"
    }
    return line + " " + time + " " + perUnit + formatValues(values)
  }

  /// The one line of `verbose: 2`: `1875/1875 - 3s - 1ms/step - accuracy: 0.8219`.
  public static func summaryLine(
    current: Int, target: Int?, elapsed: String, perUnit: String, values: [(String, Double)]
  ) -> String {
    let count = target.map { counter(current, $0) } ?? "\(current)"
    return count + " - " + elapsed + " - " + perUnit + formatValues(values)
  }

  /// Remaining time as Keras shows it: `42s`, `1:05`, `1:01:05` (seconds truncated).
  public static func formatETA(_ seconds: Double) -> String {
    // At most 99,999 hours, so that Int(_:) below cannot trap.
    let eta = seconds.isFinite ? min(max(seconds, 0), 359_999_999) : 0
    let whole = Int(eta)
    if eta > 3600 {
      return "\(whole / 3600):" + twoDigits((whole % 3600) / 60) + ":" + twoDigits(whole % 60)
    }
    if eta > 60 { return "\(whole / 60):" + twoDigits(whole % 60) }
    return "\(whole)s"
  }

  /// Elapsed time rounded to whole seconds: `3s`.
  public static func formatElapsed(_ seconds: Double) -> String {
    String(format: "%.0fs", max(seconds, 0))
  }

  /// Time per unit in the largest fitting unit: `2s/step`, `13ms/step`, `850us/step`.
  public static func formatTimePerUnit(_ seconds: Double, unitName: String) -> String {
    if seconds >= 1 || seconds == 0 { return String(format: "%.0fs/", seconds) + unitName }
    if seconds >= 1e-3 { return String(format: "%.0fms/", seconds * 1e3) + unitName }
    return String(format: "%.0fus/", seconds * 1e6) + unitName
  }

  /// A value with four decimals, or in scientific notation when it is tiny: `0.5126`,
  /// `3.2000e-05`.
  public static func formatValue(_ value: Double) -> String {
    abs(value) > 1e-3 ? String(format: "%.4f", value) : String(format: "%.4e", value)
  }

  private static func formatValues(_ values: [(String, Double)]) -> String {
    values.map { " - \($0.0): " + formatValue($0.1) }.joined()
  }

  /// `current/target` with `current` right-aligned to the width of `target`.
  private static func counter(_ current: Int, _ target: Int) -> String {
    padded(current, to: String(target).count) + "/\(target)"
  }

  private static func padded(_ value: Int, to width: Int) -> String {
    let text = String(value)
    return String(repeating: " ", count: max(width - text.count, 0)) + text
  }

  private static func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }
}
