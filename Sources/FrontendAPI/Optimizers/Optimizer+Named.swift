extension Optimizer {
  /// The names ``named(_:)`` accepts.
  public static let knownNames = [
    "sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion",
  ]

  /// A new optimizer with Keras's defaults for one of Keras's string shortcuts (`"adam"`,
  /// `"sgd"`, `"rmsprop"`, `"adamw"`, `"adagrad"`, `"adadelta"`, `"adamax"`, `"nadam"`,
  /// `"lion"`; case does not matter). Equivalent to `keras.optimizers.get(name)`.
  public static func named(_ name: String) throws -> Optimizer {
    switch name.lowercased() {
    case "sgd": return SGD()
    case "adam": return Adam()
    case "adamw": return AdamW()
    case "rmsprop": return RMSprop()
    case "adagrad": return Adagrad()
    case "adadelta": return Adadelta()
    case "adamax": return Adamax()
    case "nadam": return Nadam()
    case "lion": return Lion()
    default:
      throw PlexusError.invalidArgument(
        context: "Optimizer.named",
        message: "unknown optimizer '\(name)'; known names: "
          + knownNames.joined(separator: ", "))
    }
  }
}
