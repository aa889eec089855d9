import Testing

@testable import Plexus

/// `FashionMNIST.load`: uint8 images read straight into a tensor, int32 labels.
@Suite struct FashionMNISTLoadTests {
  @Test func loadGivesTheStoredBytesAndInt32Labels() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 5, test: 3)
    let ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.load(directory: directory.path)
    let ((rawTrain, _), (rawTest, _)) = try FashionMNIST.loadData(directory: directory.path)
    #expect(xTrain.dtype == .uint8)
    #expect(xTrain.shape == [5, 2, 3])
    #expect(try xTrain.scalars(UInt8.self) == rawTrain.scalars(UInt8.self))
    #expect(try xTest.scalars(UInt8.self) == rawTest.scalars(UInt8.self))
    #expect(try yTrain.scalars(Int32.self) == [0, 1, 2, 3, 4])
    #expect(try yTest.scalars(Int32.self) == [0, 1, 2])
  }

  @Test func aTruncatedFileIsAnErrorNamingIt() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    let path = try directory.writeIDX("short.gz", dimensions: [2, 2, 2], data: [0, 1, 2])
    let error = #expect(throws: PlexusError.self) {
      try IDXFile.tensor(contentsOf: path, rank: 3)
    }
    #expect(error?.description.contains(path) == true)
    #expect(error?.description.contains("truncated") == true)
    let long = try directory.writeIDX("long.gz", dimensions: [1, 1, 2], data: [0, 1, 2])
    #expect(throws: PlexusError.self) { try IDXFile.tensor(contentsOf: long, rank: 3) }
  }

  @Test func mismatchedLabelsAreAnError() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 5, test: 3)
    try directory.writeIDX(
      "train-labels-idx1-ubyte.gz", dimensions: [4], data: [0, 1, 2, 3])
    let error = #expect(throws: PlexusError.self) {
      try FashionMNIST.load(directory: directory.path)
    }
    #expect(error?.description.contains("5 images") == true)
  }
}
