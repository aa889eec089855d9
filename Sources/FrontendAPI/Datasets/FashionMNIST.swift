import BackendProtocol
import Foundation

/// Fashion-MNIST (Zalando Research): 70,000 grayscale 28 × 28 images of clothing in 10 classes,
/// 60,000 to train on and 10,000 to test on. The data set of `keras.datasets.fashion_mnist`.
///
/// Debian ships it as the package `dataset-fashion-mnist`, which puts the four IDX files in
/// `defaultDirectory`.
public enum FashionMNIST {
  /// Where `dataset-fashion-mnist` installs the files.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

  /// The environment variable that points the loader at another directory.
  public static let directoryVariable = "FASHION_MNIST_DIR"

  /// The names of the ten classes, indexed by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
    "Ankle boot",
  ]

  /// Reads the training and test sets as stored: pixel bytes 0–255 and labels 0–9.
  ///
  /// - Parameter directory: the directory holding `train-images-idx3-ubyte.gz`,
  ///   `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz`;
  ///   when nil, `$FASHION_MNIST_DIR`, else `defaultDirectory`.
  /// - Throws: `PlexusError.resourceUnavailable` naming the file when one is missing (and how to
  ///   install the data set) or corrupt.
  public static func loadRaw(directory: String? = nil) throws -> (
    train: IDXImageSet, test: IDXImageSet
  ) {
    let files = try paths(directory)
    return (
      train: try imageSet(images: files[0], labels: files[1]),
      test: try imageSet(images: files[2], labels: files[3])
    )
  }

  /// The training and test sets ready to train on with a `Rescaling(1 / 255)` layer first:
  /// `uint8` images of shape `(n, 28, 28)` as stored (read straight into the tensor, so the
  /// 60,000 training images take 47 MB, a quarter of what `loadNormalized` holds as floats) and
  /// `int32` labels.
  ///
  /// ```swift
  /// let ((x, y), (xTest, yTest)) = try FashionMNIST.load()
  /// let model = Sequential {
  ///   Input(shape: [28, 28], dtype: .uint8)
  ///   Rescaling(1.0 / 255)
  ///   Flatten()
  ///   Dense(128, activation: .relu)
  ///   Dense(10)
  /// }
  /// ```
  /// - Parameter directory: as for `loadRaw(directory:)`.
  public static func load(directory: String? = nil) throws -> (
    (Tensor, Tensor), (Tensor, Tensor)
  ) {
    let files = try paths(directory)
    return (
      try tensors(images: files[0], labels: files[1]),
      try tensors(images: files[2], labels: files[3])
    )
  }

  /// The four files' paths, after checking that all exist (so a missing one is reported at
  /// once, with how to install the data set).
  private static func paths(_ directory: String?) throws -> [String] {
    let directory = resolvedDirectory(directory, environment: ProcessInfo.processInfo.environment)
    let files = [
      "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
    ].map { directory.hasSuffix("/") ? directory + $0 : directory + "/" + $0 }
    for path in files where !FileManager.default.fileExists(atPath: path) {
      throw PlexusError.resourceUnavailable(
        "Fashion-MNIST: \(path) does not exist; install it with: "
          + "sudo apt-get install dataset-fashion-mnist (or set \(directoryVariable) to a "
          + "directory holding the four IDX .gz files)")
    }
    return files
  }

  /// The directory to read: the argument, else the environment variable, else the default.
  static func resolvedDirectory(_ directory: String?, environment: [String: String]) -> String {
    if let directory { return directory }
    if let fromEnvironment = environment[directoryVariable], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return defaultDirectory
  }

  private static func imageSet(images imagesPath: String, labels labelsPath: String) throws
    -> IDXImageSet
  {
    let images = try IDXFile(contentsOf: imagesPath, rank: 3)
    let labels = try checkedLabels(labelsPath, count: images.dimensions[0], of: imagesPath)
    return IDXImageSet(
      images: images.bytes, labels: labels.bytes, count: images.dimensions[0],
      rows: images.dimensions[1], columns: images.dimensions[2])
  }

  /// The images as a `uint8` tensor, read straight into it, and the labels as `int32`.
  private static func tensors(images imagesPath: String, labels labelsPath: String) throws
    -> (Tensor, Tensor)
  {
    let images = try IDXFile.tensor(contentsOf: imagesPath, rank: 3)
    let count = images.shape[0]
    let labels = try checkedLabels(labelsPath, count: count, of: imagesPath)
    return (images, try Tensor(labels.bytes.map { Int32($0) }, shape: [count]))
  }

  /// The labels file, checked to hold `count` labels, each a class.
  private static func checkedLabels(_ labelsPath: String, count: Int, of imagesPath: String)
    throws -> IDXFile
  {
    let labels = try IDXFile(contentsOf: labelsPath, rank: 1)
    guard labels.dimensions[0] == count else {
      throw PlexusError.resourceUnavailable(
        "Fashion-MNIST: \(imagesPath) holds \(count) images but \(labelsPath) holds "
          + "\(labels.dimensions[0]) labels; one of the files is corrupt")
    }
    if let index = labels.bytes.firstIndex(where: { Int($0) >= classNames.count }) {
      throw PlexusError.resourceUnavailable(
        "Fashion-MNIST: label \(labels.bytes[index]) of item \(index) in \(labelsPath) is not "
          + "a class (0..<\(classNames.count)); the file is corrupt")
    }
    return labels
  }
}
