/// After which epochs `fit` evaluates its validation data: every `n`th epoch (`2`: after
/// epochs 2, 4, …, counted from 1), or after the listed epochs (`[1, 5, 10]`, counted from 1).
/// Epochs without validation log no `val_` entries, as in Keras.
///
/// ```swift
/// try model.fit(x, y, epochs: 10, validationSplit: 0.1, validationFreq: 5)
/// ```
/// Equivalent to Keras's `validation_freq` (an integer, or a list of epochs).
public enum ValidationFrequency: Sendable, Hashable, ExpressibleByIntegerLiteral,
  ExpressibleByArrayLiteral
{
  /// After every `n`th epoch (`n` ≥ 1).
  case every(Int)
  /// After each of these epochs, counted from 1.
  case epochs(Set<Int>)

  public init(integerLiteral value: Int) { self = .every(value) }

  public init(arrayLiteral elements: Int...) { self = .epochs(Set(elements)) }

  /// Whether validation runs after `epoch` (counted from 0, as `fit`'s callbacks count).
  func includes(epoch: Int) -> Bool {
    switch self {
    case .every(let n): (epoch + 1) % n == 0
    case .epochs(let listed): listed.contains(epoch + 1)
    }
  }

  /// Throws unless every `n` is ≥ 1 and every listed epoch ≥ 1.
  func check(context: String) throws {
    switch self {
    case .every(let n) where n < 1:
      throw PlexusError.invalidArgument(
        context: context, message: "validationFreq must be ≥ 1 (every n epochs), received \(n)")
    case .epochs(let listed) where listed.contains(where: { $0 < 1 }):
      throw PlexusError.invalidArgument(
        context: context,
        message: "validationFreq lists epochs counted from 1; received \(listed.sorted())")
    default: return
    }
  }
}
