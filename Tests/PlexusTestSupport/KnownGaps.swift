import Foundation

/// A backend's checked-in list of known conformance gaps, `Tests/Fixtures/conformance/NAME.gaps`:
/// one `op dtype` per line (`# comments` and blank lines ignored), each a pair the backend
/// claims to run but does not yet run within tolerance.
///
/// The list may only shrink: ``checkKnownGaps(_:backend:)`` reports every mismatch the list does
/// not name, and every listed gap that no longer fails (so that a fix removes its line).
public enum KnownGaps {
  /// The folder of the lists.
  public static var directory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/conformance")
  }

  /// The `op dtype` pairs listed for `backend` (none when it has no list).
  public static func listed(for backend: String) throws -> Set<String> {
    let file = directory.appendingPathComponent("\(backend).gaps")
    guard FileManager.default.fileExists(atPath: file.path) else { return [] }
    let text = try String(contentsOf: file, encoding: .utf8)
    return Set(
      text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") })
  }
}

/// The problems of a conformance run against `backend`'s known gaps: mismatches whose
/// `op dtype` is not listed, and listed gaps that had no mismatch.
public func checkKnownGaps(_ mismatches: [String], backend: String) throws -> [String] {
  let listed = try KnownGaps.listed(for: backend)
  let failing = Set(mismatches.map { $0.split(separator: " ").prefix(2).joined(separator: " ") })
  var problems = mismatches.filter {
    !listed.contains($0.split(separator: " ").prefix(2).joined(separator: " "))
  }
  for gap in listed.sorted() where !failing.contains(gap) {
    problems.append("\(gap): listed as a known gap of \(backend) but conforms; remove it")
  }
  return problems
}
