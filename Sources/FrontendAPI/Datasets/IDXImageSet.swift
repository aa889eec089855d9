/// Images and their labels as IDX files store them (MNIST, Fashion-MNIST): `count` grayscale
/// images of `rows` × `columns` bytes each, row-major and back to back, and one label per image.
public struct IDXImageSet: Sendable, Equatable {
  /// `count * rows * columns` pixel values, 0 (background) to 255.
  public let images: [UInt8]
  /// `count` class labels.
  public let labels: [UInt8]
  /// The number of images.
  public let count: Int
  /// The height of each image.
  public let rows: Int
  /// The width of each image.
  public let columns: Int
}
