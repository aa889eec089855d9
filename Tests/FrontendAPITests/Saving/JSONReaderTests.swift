import Testing

@testable import Plexus

/// Hostile JSON is an error, never a trap.
@Suite struct JSONReaderTests {
  @Test func surrogatePairsDecodeAndBrokenOnesAreErrors() throws {
    #expect(try ConfigValue(json: #""\uD83D\uDE00""#) == .string("😀"))
    for text in [#""\uD800\u0041""#, #""\uD800\n1234""#, #""\uD800""#, #""\uD800\uD800""#] {
      #expect(throws: PlexusError.self, "\(text)") { try ConfigValue(json: text) }
    }
  }

  @Test func deepNestingIsAnError() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: PlexusError.self) { try ConfigValue(json: deep) }
    let fine = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
    #expect((try? ConfigValue(json: fine)) != nil)
  }
}
