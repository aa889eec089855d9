import ArgumentParser
import Plexus

/// `plexus ops`: every op with its id, and every attribute name, as backends and plugins see
/// them.
struct OpsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ops", abstract: "List the op codes and attribute names backends receive.")

  @Flag(help: "Print the C header of op, attribute and dtype ids (include/plexus_ops.h).")
  var cHeader = false

  func run() throws {
    if cHeader {
      print(OpCatalog.cHeader(), terminator: "")
      return
    }
    print("ops (id name family):")
    for op in OpCode.allCases { print("  \(op.rawValue) \(op) \(op.family)") }
    print("attributes (id name):")
    for name in AttributeName.allCases { print("  \(name.rawValue) \(name)") }
  }
}
