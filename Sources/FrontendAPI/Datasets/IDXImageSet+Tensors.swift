extension IDXImageSet {
  /// The images as a `uint8` tensor of shape `(count, rows, columns)`.
  public func imageTensor() throws -> Tensor {
    try Tensor(images, shape: [count, rows, columns])
  }

  /// The images as `float32` in `[0, 1]`, shape `(count, rows, columns)`, converted in one pass
  /// (no intermediate `uint8` tensor, which keeps peak memory down).
  public func normalizedImageTensor() throws -> Tensor {
    let buffer = try TensorBuffer.allocate(.float32, [count, rows, columns])
    guard buffer.count == images.count else {
      throw PlexusError.shapeMismatch(
        context: "IDXImageSet.normalizedImageTensor", expected: "\(buffer.count) pixels",
        received: "\(images.count)")
    }
    let target = buffer.pointer(Float.self)
    images.withUnsafeBufferPointer { pixels in
      for index in pixels.indices { target[index] = Float(pixels[index]) * (1 / 255) }
    }
    return Tensor(buffer)
  }

  /// The labels as an `int32` tensor of shape `(count)`.
  public func labelTensor() throws -> Tensor {
    try Tensor(labels.map { Int32($0) }, shape: [count])
  }
}

extension FashionMNIST {
  /// Keras's `fashion_mnist.load_data()`: `((xTrain, yTrain), (xTest, yTest))` with `uint8`
  /// images of shape `(n, 28, 28)` and `uint8` labels.
  public static func loadData(directory: String? = nil) throws -> (
    (Tensor, Tensor), (Tensor, Tensor)
  ) {
    let (train, test) = try loadRaw(directory: directory)
    return (
      (try train.imageTensor(), try Tensor(train.labels, shape: [train.count])),
      (try test.imageTensor(), try Tensor(test.labels, shape: [test.count]))
    )
  }

  /// The same data ready to train on: `float32` images scaled to `[0, 1]` and `int32` labels.
  public static func loadNormalized(directory: String? = nil) throws -> (
    (Tensor, Tensor), (Tensor, Tensor)
  ) {
    let (train, test) = try loadRaw(directory: directory)
    return (
      (try train.normalizedImageTensor(), try train.labelTensor()),
      (try test.normalizedImageTensor(), try test.labelTensor())
    )
  }
}
