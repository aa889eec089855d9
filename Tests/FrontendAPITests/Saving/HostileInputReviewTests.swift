import Foundation
import Testing

@testable import Plexus

/// Inputs a review found could trap or hang: each is now an error (or a correct answer).
@Suite struct HostileInputReviewTests {
  @Test func hdf5MemberNamesWithHighBytesReadBack() throws {
    let file = try HDF5File.create(label: "names.h5")
    try file.createGroup("vars/\u{e9}t\u{e9}")
    try file.createGroup("vars/plain")
    let reopened = try HDF5File.open(image: try file.image(), label: "names.h5")
    #expect(try reopened.members(ofGroup: "vars").sorted() == ["plain", "\u{e9}t\u{e9}"])
  }

  @Test func aFIFOIsRefusedInsteadOfBlocking() throws {
    let directory = try KerasFileTests.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for name in ["pipe.keras", "pipe.weights.h5"] {
      let path = directory + "/" + name
      #expect(mkfifo(path, 0o600) == 0)
      let model = try KerasFileTests.cnn()
      try model.buildFromInput()
      #expect(throws: PlexusError.self) {
        if name.hasSuffix(".keras") { _ = try loadModel(path) } else { try model.loadWeights(path) }
      }
    }
  }

  @Test func hugeFormatWidthsAreErrors() {
    for template in [
      "{epoch:99999999999999999999999d}", "{epoch:.99999999999999999999f}", "{epoch:5000d}",
    ] {
      #expect(throws: PlexusError.self) {
        _ = try PythonFormat.format(template, ["epoch": .int(3)], context: "ModelCheckpoint")
      }
    }
    #expect((try? PythonFormat.format("{epoch:02d}", ["epoch": .int(3)], context: "t")) == "03")
  }

  @Test func permuteWithDimsOutOfRangeIsAnErrorWhenShapesAreComputed() {
    #expect(throws: PlexusError.self) {
      _ = try Permute([3, 1]).computeOutputShape([[-1, 2, 3]])
    }
    #expect((try? Permute([2, 1]).computeOutputShape([[-1, 2, 3]])) == [-1, 3, 2])
  }
}
