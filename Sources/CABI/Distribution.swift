import CPlexusSupport
import Plexus
import Synchronization

// Data parallelism over MPI (Keras's `keras.distribution`).

/// `px_distribution_world`: joins the processes `mpirun` started; writes rank and count.
@c(px_distribution_world)
public func pxDistributionWorld(
  _ outRank: UnsafeMutablePointer<Int32>?, _ outCount: UnsafeMutablePointer<Int32>?
) -> px_status {
  guarded("px_distribution_world") {
    let world = try DataParallel()
    outRank?.pointee = Int32(clamping: world.rank)
    outCount?.pointee = Int32(clamping: world.processCount)
  }
}

/// `px_distribution_set_data_parallel`: data parallelism over every process, from now on.
@c(px_distribution_set_data_parallel)
public func pxDistributionSetDataParallel(_ bucketBytes: Int) -> px_status {
  guarded("px_distribution_set_data_parallel") {
    guard bucketBytes == 0 || (1024...(1 << 29)).contains(bucketBytes) else {
      throw invalidArgument(
        "px_distribution_set_data_parallel",
        "bucket_bytes is \(UInt(bitPattern: bucketBytes)); expected 0 (16 MiB) or 1024 to 2^29")
    }
    let bytes = bucketBytes == 0 ? DataParallel.defaultBucketBytes : bucketBytes
    // One distribution per bucket size: setting it again keeps compiled steps (which record
    // the distribution they all-reduce with) instead of capturing them again.
    let distribution = try madeDistributions.withLock { made in
      if let existing = made[bytes] { return existing }
      let fresh = try DataParallel(bucketBytes: bytes)
      made[bytes] = fresh
      return fresh
    }
    Config.setDistribution(distribution)
  }
}

/// The distributions `px_distribution_set_data_parallel` made, by bucket size.
private let madeDistributions = Mutex<[Int: DataParallel]>([:])

/// `px_distribution_clear`: no distribution.
@c(px_distribution_clear)
public func pxDistributionClear() -> px_status {
  guarded("px_distribution_clear") { Config.setDistribution(nil) }
}

/// `px_distribution_info`: whether a distribution is set, its rank and process count.
@c(px_distribution_info)
public func pxDistributionInfo(
  _ outActive: UnsafeMutablePointer<Int32>?, _ outRank: UnsafeMutablePointer<Int32>?,
  _ outCount: UnsafeMutablePointer<Int32>?
) -> px_status {
  guarded("px_distribution_info") {
    let current = Config.distribution
    outActive?.pointee = current == nil ? 0 : 1
    outRank?.pointee = Int32(clamping: current?.rank ?? 0)
    outCount?.pointee = Int32(clamping: current?.processCount ?? 1)
  }
}

/// `px_distribution_announce_failure`: tells the other processes this one failed.
@c(px_distribution_announce_failure)
public func pxDistributionAnnounceFailure(_ message: UnsafePointer<CChar>?) -> px_status {
  guarded("px_distribution_announce_failure") {
    let text = try string(message, "message", in: "px_distribution_announce_failure")
    Config.distribution?.announceFailure(AnnouncedFailure(description: text))
  }
}

/// A failure a C caller reports, by its message.
private struct AnnouncedFailure: Error, CustomStringConvertible {
  let description: String
}
