import Foundation
import Testing

@testable import Plexus

@Suite struct ProfilerTests {
  private func trainedOnce() throws -> ProfileReport {
    let x = try withRandomSeed(4) { try Ops.randomUniform([32, 4]) }
    let y = try Ops.argmax(x, axis: -1)
    let model = Sequential {
      Input(shape: [4])
      Dense(8, activation: .relu)
      Dense(4)
    }
    model.backend = "openblas"
    try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
    let (_, report) = try Profiler.profile {
      try model.fit(x, y, batchSize: 8, epochs: 1, verbose: 0)
    }
    return report
  }

  @Test func tableCountsEveryOpWithBackendAndFallbacks() throws {
    let report = try trainedOnce()
    let matmul = try #require(report.rows.first { $0.key.op == .matmul })
    #expect(matmul.key.backend == "openblas" && matmul.fallbacks == 0)
    // Four steps, two layers: two products forward, and three backward for each step.
    #expect(matmul.calls >= 4 * 4)
    let adam = try #require(report.rows.first { $0.key.op == .adamUpdate })
    #expect(adam.key.backend == "reference" && adam.fallbacks == adam.calls)
    // Four steps, one fused update of all four variables each.
    #expect(adam.calls == 4)
    #expect(report.totalCalls == report.events.count)
    #expect(
      report.rows.map(\.totalNanoseconds) == report.rows.map(\.totalNanoseconds).sorted(by: >))
    let table = report.table()
    let header = try #require(table.split(separator: "\n").first)
    for column in ["op", "backend", "dtype", "calls", "total ms", "mean µs", "share", "fallbacks"] {
      #expect(header.contains(column))
    }
    #expect(table.contains("adam_update"))
    #expect(table.split(separator: "\n").count == report.rows.count + 2)
  }

  @Test func chromeTraceIsTraceEventJSON() throws {
    let report = try trainedOnce()
    let data = Data(report.chromeTrace().utf8)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try #require(root["traceEvents"] as? [[String: Any]])
    let complete = events.filter { $0["ph"] as? String == "X" }
    #expect(complete.count == report.events.count)
    for event in complete {
      #expect(event["name"] is String && event["cat"] is String)
      #expect(event["ts"] is Double || event["ts"] is Int)
      #expect((event["dur"] as? Double ?? 0) >= 0)
    }
    let fellBack = complete.filter { ($0["args"] as? [String: Any])?["fallback_from"] != nil }
    #expect(!fellBack.isEmpty)
  }

  @Test func nothingIsObservedOutsideAProfile() throws {
    let profiler = Profiler()
    _ = try Ops.exp(Tensor([1, 2] as [Float]))
    #expect(profiler.report().events.isEmpty)
    profiler.start()
    _ = try Ops.exp(Tensor([1, 2] as [Float]))
    let seen = profiler.stop()
    #expect(seen.rows.contains { $0.key.op == .exp })
    let count = profiler.report().totalCalls
    _ = try Ops.exp(Tensor([1, 2] as [Float]))
    #expect(profiler.report().totalCalls == count)
  }

  @Test func traceCapacityBoundsTheEventsNotTheTable() throws {
    let (_, report) = try Profiler.profile(traceCapacity: 3) {
      for _ in 0..<10 { _ = try Ops.exp(Tensor([1] as [Float])) }
    }
    #expect(report.events.count == 3)
    #expect(report.droppedEvents == 7)
    #expect(report.rows.first { $0.key.op == .exp }?.calls == 10)
  }
}
