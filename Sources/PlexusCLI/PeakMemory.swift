import Foundation

/// The process's peak resident memory, as the kernel counts it.
enum PeakMemory {
  static func mebibytes() -> Int {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return -1 }
    return usage.ru_maxrss / 1024  // Linux reports kibibytes
  }
}
