import Plexus
import Testing

@Suite struct ConfigValueTests {
  @Test func integersAndFloatsStayApart() throws {
    let value = try ConfigValue(json: #"{"a": 1, "b": 1.0, "c": 1e-07, "d": -2, "e": 2E3}"#)
    #expect(value["a"] == .int(1))
    #expect(value["b"] == .double(1))
    #expect(value["c"] == .double(1e-7))
    #expect(value["d"] == .int(-2))
    #expect(value["e"] == .double(2000))
    #expect(ConfigValue.int(1) != ConfigValue.double(1))
  }

  @Test func writesFloatsSoTheyReadBackAsFloats() throws {
    let value: ConfigValue = [
      "whole": 2.0, "small": 1e-7, "rate": 0.009999999776482582, "big": 1e20, "count": 3,
    ]
    let text = value.jsonString()
    #expect(text.contains(#""whole": 2.0"#))
    #expect(text.contains(#""small": 1e-07"#))
    #expect(text.contains(#""count": 3"#))
    #expect(try ConfigValue(json: text) == value)
  }

  @Test func roundTripsNullNestingAndEscapes() throws {
    let text = #"""
      {"name": "a \"quoted\" \\ name\n\u00e9\ud83d\ude00", "seed": null,
       "layers": [{"inner": [1, [2.5, null], {}], "flag": false}, []], "ok": true}
      """#
    let value = try ConfigValue(json: text)
    #expect(value["seed"] == .null)
    #expect(value["name"]?.stringValue == "a \"quoted\" \\ name\né😀")
    #expect(value["layers"]?.arrayValue?.first?["inner"] == [1, [2.5, .null], [:]])
    for pretty in [false, true] {
      #expect(try ConfigValue(json: value.jsonString(pretty: pretty)) == value)
    }
  }

  @Test func objectEqualityIgnoresKeyOrder() throws {
    let first = try ConfigValue(json: #"{"x": 1, "y": {"p": null, "q": [1, 2]}}"#)
    let second = try ConfigValue(json: #"{"y": {"q": [1, 2], "p": null}, "x": 1}"#)
    #expect(first == second)
    let reordered = try ConfigValue(json: #"{"y": {"q": [2, 1], "p": null}, "x": 1}"#)
    #expect(first != reordered)
  }

  @Test func readsPythonsNonFiniteFloats() throws {
    let value = try ConfigValue(json: "[NaN, Infinity, -Infinity]")
    let numbers = (value.arrayValue ?? []).compactMap { $0.doubleValue }
    try #require(numbers.count == 3)
    #expect(numbers[0].isNaN)
    #expect(numbers[1] == .infinity && numbers[2] == -.infinity)
    #expect(ConfigValue.double(.infinity).jsonString() == "Infinity")
  }

  @Test(arguments: ["", "{", "[1,]", #"{"a" 1}"#, "tru", "1 2", #""open"#, "[1, 2"])
  func rejectsMalformedJSON(text: String) {
    #expect(throws: PlexusError.self) { try ConfigValue(json: text) }
  }

  @Test func configReaderNamesTheClassAndKeyAndRejectsUnknownKeys() throws {
    let reader = ConfigReader(className: "Dense", members: ["units": "four", "extra": 1])
    #expect {
      _ = try reader.int("units")
    } throws: { "\($0)".contains("Dense config") && "\($0)".contains("'units'") }
    #expect {
      try reader.finish()
    } throws: { "\($0)".contains("'extra'") }
  }
}
