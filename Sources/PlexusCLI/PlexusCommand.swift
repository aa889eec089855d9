import ArgumentParser

/// The `plexus` command: train, list backends, benchmark.
@main
struct PlexusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plexus",
    abstract: "Plexus: a Keras-shaped deep-learning framework over interchangeable backends.",
    subcommands: [
      TrainCommand.self, BackendsCommand.self, BenchCommand.self, OpsCommand.self,
      ConformanceCommand.self, SummaryCommand.self, DistributedCheckCommand.self,
    ],
    defaultSubcommand: TrainCommand.self)
}
