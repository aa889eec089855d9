import Foundation

/// A `plexus distributed-check` job under `mpirun`, as the data-parallel tests start it: the
/// flags this machine needs (see `scripts/mpirun.sh`), a deadline after which the job is killed
/// (a test never hangs), and the per-rank results it wrote.
struct MPIJob {
  /// `mpirun` on PATH, or nil where Open MPI is not installed.
  static let mpirun: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/mpirun" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }()

  static var available: Bool { mpirun != nil && plexus != nil }

  /// The `plexus` executable built beside the test bundle.
  static let plexus: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return [directory, directory.deletingLastPathComponent()].map {
      $0.appendingPathComponent("plexus").path
    }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  let directory: URL
  let output: String
  let status: Int32
  let seconds: Double

  /// Runs `ranks` ranks of `plexus distributed-check --out DIR arguments…`, killing the job
  /// after `deadline` seconds.
  static func run(ranks: Int, _ arguments: [String], deadline: Double = 120) throws -> MPIJob {
    guard let mpirun, let plexus else {
      throw CocoaError(.fileNoSuchFile)
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "plexus-mpi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: mpirun)
    var flags = ["-np", "\(ranks)", "--oversubscribe", "--bind-to", "none"]
    if getuid() == 0 { flags.append("--allow-run-as-root") }
    flags += ["--mca", "btl_vader_single_copy_mechanism", "none", "-x", "OMP_NUM_THREADS=1"]
    process.arguments =
      flags + [plexus, "distributed-check", "--out", directory.path] + arguments
    let log = directory.appendingPathComponent("output.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    let start = Date()
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: killer)
    process.waitUntilExit()
    killer.cancel()
    try handle.close()
    return MPIJob(
      directory: directory,
      output: (try? String(contentsOf: log, encoding: .utf8)) ?? "",
      status: process.terminationStatus, seconds: Date().timeIntervalSince(start))
  }

  /// Rank `rank`'s final weights.
  func weights(rank: Int) throws -> [Float] {
    let data = try Data(contentsOf: directory.appendingPathComponent("rank-\(rank).weights"))
    return data.withUnsafeBytes { bytes in
      stride(from: 0, to: bytes.count, by: 4).map { offset in
        Float(
          bitPattern: UInt32(
            littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
      }
    }
  }

  /// Rank `rank`'s summary (per-epoch loss, optimizer steps, captures).
  func summary(rank: Int) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent("rank-\(rank).json"))
    return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }
}
