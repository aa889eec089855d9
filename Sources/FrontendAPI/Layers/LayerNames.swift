/// Keras-style automatic names: the class name in snake case, numbered from the second use on
/// (`dense`, `dense_1`, `dense_2`).
enum LayerNames {
  // A pthread lock rather than Mutex, so ThreadSanitizer sees it (see `Lock`).
  private static let counters = Locked([String: Int]())

  static func unique(for type: Any.Type) -> String {
    let base = snakeCase(String(describing: type))
    let index = counters.withLock { counters -> Int in
      let index = counters[base, default: 0]
      counters[base] = index + 1
      return index
    }
    return index == 0 ? base : "\(base)_\(index)"
  }

  static func snakeCase(_ name: String) -> String {
    var result = ""
    let characters = Array(name)
    for (index, character) in characters.enumerated() {
      if character.isUppercase, index > 0,
        characters[index - 1].isLowercase
          || (index + 1 < characters.count && characters[index + 1].isLowercase
            && characters[index - 1].isUppercase)
      {
        result += "_"
      }
      result += character.lowercased()
    }
    return result
  }
}
