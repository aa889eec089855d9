import Foundation
import Testing

@testable import Plexus

/// A seeded mutation loop over the `.keras` loader: damaged zips, damaged HDF5 files inside
/// valid zips (past the zip's CRC) and damaged `config.json` text must each end in an error or
/// a model, never a crash or a hang. `PLEXUS_KERAS_FUZZ_RUNS` sets the number of inputs (default
/// 1500); the seed is fixed, so a failure reproduces.
@Suite struct KerasFileFuzzTests {
  /// splitmix64: small, seeded, the same on every machine.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
  }

  /// Damages `bytes` in one of several ways: flipped bits, bytes set to edge values, a run
  /// overwritten, truncation, a duplicated or removed span.
  static func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
    var result = bytes
    guard !result.isEmpty else { return [UInt8(random.below(256))] }
    for _ in 0..<(1 + random.below(4)) {
      let at = random.below(result.count)
      switch random.below(6) {
      case 0: result[at] ^= UInt8(1 << random.below(8))
      case 1: result[at] = [0, 0xFF, 0x7F, 0x80, 0x01][random.below(5)]
      case 2:
        let length = min(1 + random.below(16), result.count - at)
        for index in at..<(at + length) { result[index] = UInt8(random.below(256)) }
      case 3: result = Array(result.prefix(at))
      case 4:
        let length = min(1 + random.below(64), result.count - at)
        result.insert(contentsOf: result[at..<(at + length)], at: at)
      default:
        let length = min(1 + random.below(64), result.count - at)
        result.removeSubrange(at..<(at + length))
      }
      if result.isEmpty { break }
    }
    return result
  }

  /// Numbers and names that configs hold, swapped for hostile ones.
  static func mutateJSON(_ text: String, _ random: inout Generator) -> String {
    let hostile = [
      "-1", "0", "9223372036854775807", "-9223372036854775808", "1e308", "NaN", "null", "[]",
      "{}", "\"\"", "\"Lambda\"", "[[[[[[[[", "true", "4294967296",
    ]
    var tokens = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard !tokens.isEmpty else { return text }
    for _ in 0..<(1 + random.below(3)) {
      let index = random.below(tokens.count)
      guard let colon = tokens[index].lastIndex(of: ":") else { continue }
      tokens[index] =
        String(tokens[index][...colon]) + " " + hostile[random.below(hostile.count)]
    }
    return tokens.joined(separator: ",")
  }

  static func seeds() throws -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    for name in KerasFileFixtureTests.cases {
      let url = KerasFileFixtureTests.directory.appendingPathComponent(name + ".keras")
      seeds[name] = Array(try Data(contentsOf: url))
    }
    return seeds
  }

  @Test func damagedFilesAreErrorsNeverCrashes() throws {
    let runs = Int(ProcessInfo.processInfo.environment["PLEXUS_KERAS_FUZZ_RUNS"] ?? "") ?? 1500
    let directory = try KerasFileTests.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let seeds = try Self.seeds()
    let names = seeds.keys.sorted()
    var random = Generator(state: 20_261_130)
    var outcomes: [String: Int] = [:]
    let started = Date()
    let path = directory + "/fuzz.keras"
    for run in 0..<runs {
      let name = names[run % names.count]
      guard let seed = seeds[name] else { continue }
      let mutant: [UInt8]
      switch random.below(3) {
      case 0:
        mutant = Self.mutate(seed, &random)
      default:
        // Past the zip's CRC: rebuild a valid zip around a damaged member.
        let reader = try ZipArchive.Reader(bytes: seed, label: name)
        let damageConfig = random.below(2) == 0
        var members: [ZipArchive.Member] = []
        for member in reader.names {
          var bytes = try reader.read(member, limit: 1 << 26) ?? []
          if member == KerasFile.weightsName, !damageConfig {
            bytes = Self.mutate(bytes, &random)
          } else if member == KerasFile.configName, damageConfig {
            bytes = Array(Self.mutateJSON(String(decoding: bytes, as: UTF8.self), &random).utf8)
          }
          members.append(ZipArchive.Member(name: member, bytes: bytes, compressed: false))
        }
        try ZipArchive.write(members, to: directory + "/rebuilt.zip")
        mutant = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/rebuilt.zip")))
      }
      try Data(mutant).write(to: URL(fileURLWithPath: path))
      do {
        let model = try loadModel(path)
        _ = model.weights.count
        outcomes["loaded", default: 0] += 1
      } catch let error as PlexusError {
        // Any PlexusError passes; where it came from shows how deep the mutations reached.
        let message = "\(error)"
        let layer =
          message.contains("HDF5") || message.contains(KerasFile.weightsName)
          ? "weights" : message.contains("zip") ? "zip" : "config"
        outcomes["error in " + layer, default: 0] += 1
      }
    }
    let seconds = Date().timeIntervalSince(started)
    print("keras fuzz: \(runs) inputs in \(String(format: "%.1f", seconds)) s: \(outcomes)")
    #expect(outcomes.values.reduce(0, +) == runs)
    // The mutations must reach past the zip layer, or the loop proves little.
    for layer in ["zip", "weights", "config"] {
      #expect(outcomes["error in " + layer, default: 0] > runs / 50, "few errors in \(layer)")
    }
  }
}
