/// One integer per spatial axis, or one for every axis: Keras's "an int or a tuple of ints"
/// arguments (`kernel_size`, `strides`, `dilation_rate`, `pool_size`, `size`).
///
/// ```swift
/// Conv2D(32, kernelSize: 3, strides: [2, 1])   // a 3×3 kernel, stride 2 down, 1 across
/// ```
public struct SpatialSize: Sendable, Hashable, ExpressibleByIntegerLiteral,
  ExpressibleByArrayLiteral, CustomStringConvertible
{
  /// The values as given: one for every axis, or one per axis.
  public let values: [Int]

  /// The same value along every axis.
  public init(_ value: Int) { values = [value] }
  /// One value per axis (or a single value for every axis).
  public init(_ values: [Int]) { self.values = values }
  /// The same value along every axis: `3`.
  public init(integerLiteral value: Int) { values = [value] }
  /// One value per axis: `[3, 5]`.
  public init(arrayLiteral elements: Int...) { values = elements }

  /// One value per axis for `rank` spatial axes, or nil when there are neither one nor `rank`
  /// values.
  public func expanded(rank: Int) -> [Int]? {
    if values.count == rank { return values }
    guard values.count == 1, rank >= 0 else { return nil }
    return [Int](repeating: values[0], count: rank)
  }

  public var description: String {
    values.count == 1 ? "\(values[0])" : "(" + values.map(String.init).joined(separator: ", ") + ")"
  }

  /// `values` expanded to `rank` axes when they fit, else as given (a layer's check then
  /// refuses them with its own name).
  func perAxis(_ rank: Int) -> [Int] { expanded(rank: rank) ?? values }
}
