import Foundation

/// Starts this program again under `mpirun`, as `N` ranks on this machine, with the flags this
/// machine needs (each written down in `scripts/mpirun.sh`, which does the same for any
/// command):
///
/// - `--oversubscribe` (Open MPI counts physical cores as slots, so ranks may outnumber them),
///   `--bind-to none` so ranks are not pinned to one core each;
/// - `--allow-run-as-root` when run as root (containers, CI);
/// - `--mca btl_vader_single_copy_mechanism none`: shared-memory transfers without the
///   cross-process reads that containers often forbid (ptrace);
/// - each rank's threads (OpenMP, OpenBLAS, Plexus) set to the cores divided among the ranks,
///   at least 1, so ranks never oversubscribe the cores.
enum MPILaunch {
  /// `mpirun`'s arguments for `ranks` copies of `command`.
  static func arguments(ranks: Int, threads: Int, command: [String]) -> [String] {
    var arguments = ["-np", "\(ranks)", "--bind-to", "none", "--oversubscribe"]
    if getuid() == 0 { arguments.append("--allow-run-as-root") }
    arguments += ["--mca", "btl_vader_single_copy_mechanism", "none"]
    for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"] {
      arguments += ["-x", "\(name)=\(threads)"]
    }
    return arguments + command
  }

  /// The threads each of `ranks` ranks gets: the cores divided among them, at least 1.
  static func threadsPerRank(_ ranks: Int) -> Int {
    Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / Swift.max(ranks, 1))
  }

  /// Runs `mpirun` and returns its exit status; its output is this process's.
  static func run(ranks: Int, command: [String]) throws -> Int32 {
    guard let mpirun = findMPIRun() else {
      throw LaunchError(
        "mpirun was not found on PATH; install Open MPI (apt-get install openmpi-bin "
          + "libopenmpi-dev)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: mpirun)
    process.arguments = arguments(
      ranks: ranks, threads: threadsPerRank(ranks), command: command)
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  static func findMPIRun() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/mpirun" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  struct LaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}
