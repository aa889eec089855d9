import BackendProtocol
import Foundation
import Testing

@Suite struct WorkerPoolTests {
  /// Every part runs exactly once, whatever the part count against the worker count.
  @Test(arguments: [0, 1, 2, 3, 7, 64])
  func everyPartRunsOnce(parts: Int) {
    let pool = WorkerPool(workers: 2)
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(parts, 1))
    defer { counts.deallocate() }
    for round in 0..<200 {
      counts.initialize(repeating: 0)
      pool.run(parts) { part in counts[part] += 1 }
      #expect(Array(counts.prefix(parts)) == [Int](repeating: 1, count: parts), "round \(round)")
    }
  }

  /// A negative part count runs nothing; a pool without workers runs every part on the caller.
  @Test func degenerateCountsAndNoWorkers() {
    let none = WorkerPool(workers: 0)
    #expect(none.workerCount == 0)
    let caller = Thread.current
    nonisolated(unsafe) var onCaller = 0
    none.run(4) { _ in if Thread.current == caller { onCaller += 1 } }
    #expect(onCaller == 4)
    nonisolated(unsafe) var ran = 0
    WorkerPool(workers: -3).run(-5) { _ in ran += 1 }
    #expect(ran == 0)
  }

  /// A part that calls the pool again runs its inner parts on its own thread instead of
  /// waiting for the busy pool (which would deadlock).
  @Test func nestedCallsDoNotDeadlock() {
    let pool = WorkerPool(workers: 1)
    let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
    defer { sums.deallocate() }
    sums.initialize(repeating: 0)
    pool.run(2) { outer in
      var local = 0
      pool.run(3) { inner in local += inner + 1 }
      sums[outer] = local
    }
    #expect(Array(sums) == [6, 6])
  }

  /// Many threads submitting to one pool at once each get all their parts run, once.
  @Test func concurrentSubmittersAreServed() async {
    let pool = WorkerPool(workers: 1)
    let totals = await withTaskGroup(of: Int.self) { group in
      for task in 0..<8 {
        group.addTask {
          var total = 0
          for _ in 0..<300 {
            let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
            slots.initialize(repeating: 0)
            pool.run(4) { part in slots[part] = part + task }
            total += slots.reduce(0, +)
            slots.deallocate()
          }
          return total
        }
      }
      var all: [Int] = []
      for await total in group { all.append(total) }
      return all.sorted()
    }
    #expect(totals == (0..<8).map { task in 300 * (6 + 4 * task) })
  }

  /// Parts really run on other threads when the pool has workers (so the split is not a no-op),
  /// after the workers have gone to sleep, too.
  @Test func workersTakePartsAfterSleeping() {
    let pool = WorkerPool(workers: 1)
    nonisolated(unsafe) var elsewhere = false
    for _ in 0..<50 where !elsewhere {
      let caller = Thread.current
      pool.run(2) { part in
        if part == 0 {
          usleep(2_000)  // long enough for the worker to take part 1
        } else if Thread.current != caller {
          elsewhere = true
        }
      }
      usleep(UInt32(WorkerPool.spinNanoseconds / 1000) * 2)  // let the worker sleep
    }
    #expect(elsewhere)
  }
}
