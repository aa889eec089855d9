import BackendProtocol
import Foundation
import Testing

@testable import Plexus

@Suite struct FashionMNISTTests {
  @Test func loadsSyntheticFiles() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 5, test: 3)
    let (train, test) = try FashionMNIST.loadRaw(directory: directory.path)
    #expect(train.count == 5)
    #expect(train.rows == 2)
    #expect(train.columns == 3)
    #expect(train.images == (0..<30).map { UInt8($0) })
    #expect(train.labels == [0, 1, 2, 3, 4])
    #expect(test.count == 3)
    #expect(test.labels == [0, 1, 2])
    #expect(test.images.count == 18)
  }

  @Test func directoryComesFromArgumentThenEnvironmentThenDefault() {
    let environment = [FashionMNIST.directoryVariable: "/from/env"]
    #expect(FashionMNIST.resolvedDirectory("/given", environment: environment) == "/given")
    #expect(FashionMNIST.resolvedDirectory(nil, environment: environment) == "/from/env")
    #expect(FashionMNIST.resolvedDirectory(nil, environment: [:]) == FashionMNIST.defaultDirectory)
    let empty = [FashionMNIST.directoryVariable: ""]
    #expect(
      FashionMNIST.resolvedDirectory(nil, environment: empty) == FashionMNIST.defaultDirectory)
  }

  @Test func missingFileSaysHowToInstall() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let error = #expect(throws: PlexusError.self) {
      try FashionMNIST.loadRaw(directory: directory.path)
    }
    let message = error?.description ?? ""
    #expect(message.contains(directory.path + "/train-images-idx3-ubyte.gz"))
    #expect(message.contains("install it with: sudo apt-get install dataset-fashion-mnist"))
  }

  @Test func countMismatchNamesBothFiles() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 4, test: 2)
    let labels = try directory.writeIDX(
      "train-labels-idx1-ubyte.gz", dimensions: [3], data: [0, 1, 2])
    let error = #expect(throws: PlexusError.self) {
      try FashionMNIST.loadRaw(directory: directory.path)
    }
    let message = error?.description ?? ""
    #expect(message.contains(labels))
    #expect(message.contains(directory.path + "/train-images-idx3-ubyte.gz"))
  }

  @Test func labelOutsideTheTenClassesIsAnError() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 2, test: 2)
    let labels = try directory.writeIDX(
      "t10k-labels-idx1-ubyte.gz", dimensions: [2], data: [1, 10])
    let error = #expect(throws: PlexusError.self) {
      try FashionMNIST.loadRaw(directory: directory.path)
    }
    #expect(error?.description.contains(labels) == true)
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory),
      "needs the Debian package dataset-fashion-mnist"))
  func realDataSetHasTheKnownShape() throws {
    let (train, test) = try FashionMNIST.loadRaw(directory: FashionMNIST.defaultDirectory)
    #expect(train.count == 60_000)
    #expect(test.count == 10_000)
    for set in [train, test] {
      #expect(set.rows == 28)
      #expect(set.columns == 28)
      #expect(set.images.count == set.count * 28 * 28)
      #expect(set.labels.count == set.count)
      #expect(set.labels.allSatisfy { $0 < 10 })
    }
  }
}
