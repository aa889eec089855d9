/// How a tape finds a source's gradient: a watched tensor by its tape identity, a variable by
/// the reads of it the tape recorded.
public struct GradientKey: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    case tensor(Int)
    case variable(ObjectIdentifier)
  }
  let kind: Kind
}
