/// What a `Sequential` model is made of: layers, and optionally a leading ``Input``.
public protocol SequentialComponent: AnyObject {}

/// Builds a `Sequential` model's list from a block of layers.
///
/// ```swift
/// let model = Sequential {
///   Input(shape: [28, 28])
///   Flatten()
///   Dense(128, activation: .relu)
///   Dense(10)
/// }
/// ```
@resultBuilder
public enum SequentialBuilder {
  public static func buildExpression(_ component: any SequentialComponent)
    -> [any SequentialComponent]
  {
    [component]
  }
  public static func buildExpression(_ components: [any SequentialComponent])
    -> [any SequentialComponent]
  {
    components
  }
  public static func buildBlock(_ parts: [any SequentialComponent]...) -> [any SequentialComponent]
  {
    parts.flatMap { $0 }
  }
  public static func buildOptional(_ part: [any SequentialComponent]?) -> [any SequentialComponent]
  {
    part ?? []
  }
  public static func buildEither(first part: [any SequentialComponent])
    -> [any SequentialComponent]
  {
    part
  }
  public static func buildEither(second part: [any SequentialComponent])
    -> [any SequentialComponent]
  {
    part
  }
  public static func buildArray(_ parts: [[any SequentialComponent]]) -> [any SequentialComponent] {
    parts.flatMap { $0 }
  }
}
