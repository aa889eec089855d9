// A planted data race: scripts/test.sh builds this with -sanitize=thread and expects
// ThreadSanitizer to report it, so that a clean run of the concurrency tests means something.
import Dispatch

final class Counter: @unchecked Sendable {
  var value = 0  // deliberately unprotected
}

let counter = Counter()
let group = DispatchGroup()
// The block's write and the write after `async` are unordered, whichever runs first.
DispatchQueue.global().async(group: group) { counter.value += 1 }
counter.value += 1
group.wait()
print(counter.value)
