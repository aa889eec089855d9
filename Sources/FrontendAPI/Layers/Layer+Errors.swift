extension Layer {
  /// Runs `body`, naming this layer in any ``PlexusError`` it throws (`"Layer 'conv2d'
  /// (Conv2D), conv2d: ..."`), so that an input the layer's ops refuse (an image smaller than
  /// the kernel, say) is reported against the layer the user called.
  func namingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as PlexusError {
      let prefix = "Layer \(identity), "
      switch error {
      case .shapeMismatch(let context, let expected, let received):
        throw PlexusError.shapeMismatch(
          context: prefix + context, expected: expected, received: received)
      case .dtypeMismatch(let context, let expected, let received):
        throw PlexusError.dtypeMismatch(
          context: prefix + context, expected: expected, received: received)
      case .invalidArgument(let context, let message):
        throw PlexusError.invalidArgument(context: prefix + context, message: message)
      case .invalidState(let context, let message):
        throw PlexusError.invalidState(context: prefix + context, message: message)
      default: throw error
      }
    }
  }
}
