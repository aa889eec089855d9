import Foundation
import Plexus
import Testing

@Suite struct CSVLoggerTests {
  @Test func writesKerasColumnsAndAppends() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/log.csv"
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    let history = try model.fit(
      x, y, batchSize: 8, epochs: 2, verbose: 0, callbacks: [try CSVLogger(path)])
    let losses = try #require(history.history["loss"])
    let maes = try #require(history.history["mae"])
    var expected =
      "epoch,loss,mae,val_loss,val_mae\r\n"
      + "0,\(losses[0]),\(maes[0]),NA,NA\r\n1,\(losses[1]),\(maes[1]),NA,NA\r\n"
    #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)

    // Appending adds rows without a second header; a separator of its own.
    let again = try model.fit(
      x, y, batchSize: 8, epochs: 1, verbose: 0, callbacks: [try CSVLogger(path, append: true)])
    let loss = try #require(again.history["loss"]?.first)
    let mae = try #require(again.history["mae"]?.first)
    expected += "0,\(loss),\(mae),NA,NA\r\n"
    #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)

    let validated = try model.fit(
      x, y, batchSize: 8, epochs: 1, verbose: 0, callbacks: [try CSVLogger(path, separator: ";")],
      validationData: (x, y))
    let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\r\n")[0]
    #expect(header == "epoch;loss;mae;val_loss;val_mae")
    #expect(validated.history["val_loss"]?.count == 1)
    #expect(throws: PlexusError.self) { try CSVLogger(path, separator: "::") }
  }
}
