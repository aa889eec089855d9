import ArgumentParser
import Plexus

/// `plexus summary FILE.keras`: the model table of a `.keras` file (Plexus's or Keras's).
struct SummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary",
    abstract: "Print the layers, output shapes and parameter counts of a .keras file, and how "
      + "it was compiled.")

  @Argument(help: "A .keras file saved by Plexus or by Keras 3.") var file: String

  func run() throws {
    let model = try loadModel(file)
    model.summary()
    if let optimizer = model.optimizer, let loss = model.loss {
      let losses = model.outputLosses.count > 1 ? model.outputLosses.map(\.name) : [loss.name]
      print(
        "Compiled: optimizer \(optimizer.name) at step \(optimizer.iterations), loss "
          + losses.joined(separator: ", "))
    } else {
      print("Not compiled.")
    }
  }
}
