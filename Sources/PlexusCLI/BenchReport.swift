import Foundation

/// Prints benchmark results as a table or as JSON lines.
struct BenchReport {
  let json: Bool
  let threads: Int

  init(json: Bool, threads: Int) {
    self.json = json
    self.threads = threads
    if !json { print("threads: \(threads)") }
  }

  func add(name: String, backend: String, value: Double, unit: String) {
    if json {
      let object: [String: Any] = [
        "name": name, "backend": backend, "value": (value * 1000).rounded() / 1000, "unit": unit,
        "threads": threads,
      ]
      if let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
        let line = String(data: data, encoding: .utf8)
      {
        print(line)
      }
    } else {
      let padded = name.padding(toLength: 42, withPad: " ", startingAt: 0)
      let backendText = backend.padding(toLength: 10, withPad: " ", startingAt: 0)
      print("\(padded) \(backendText) \(String(format: "%10.3f", value)) \(unit)")
    }
    fflush(nil)
  }
}
