import Testing

@testable import Plexus

@Suite struct FashionMNISTTensorsTests {
  @Test func loadDataGivesKerasShapedUInt8Tensors() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 5, test: 3)
    let ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.loadData(directory: directory.path)
    #expect(xTrain.shape == [5, 2, 3])
    #expect(xTrain.dtype == .uint8)
    #expect(yTrain.shape == [5])
    #expect(xTest.shape == [3, 2, 3])
    #expect(try yTest.scalars(UInt8.self) == [0, 1, 2])
  }

  @Test func loadNormalizedScalesPixelsAndWidensLabels() throws {
    let directory = try IDXTestDirectory()
    defer { directory.remove() }
    try directory.writeFashionMNIST(train: 5, test: 3)
    let ((xTrain, yTrain), _) = try FashionMNIST.loadNormalized(directory: directory.path)
    let pixels = try xTrain.scalars(Float.self)
    #expect(xTrain.dtype == .float32)
    #expect(pixels[0] == 0)
    #expect(Swift.abs(pixels[29] - 29 / 255) < 1e-7)
    #expect(try yTrain.scalars(Int32.self) == [0, 1, 2, 3, 4])
  }
}
