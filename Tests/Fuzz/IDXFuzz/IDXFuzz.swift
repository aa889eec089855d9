// A libFuzzer target over the IDX loader: every input is written to a file and read back as an
// IDX file of rank 1 and of rank 3, plain or (when the input is gzip) decompressed by zlib. The
// loader may throw; it must not crash, leak past the sanitizers, or hold more than its cap.
// Built and run by scripts/fuzz-idx.sh, which compiles this file together with
// Sources/FrontendAPI/Datasets/IDXFile.swift, so it calls the loader's real entry point.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The file each input is written to, made once per process.
private let scratchPath: String = {
  let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
  return directory + "/plexus-idx-fuzz-\(getpid())"
}()

/// The cap the target runs under: small, so that a header promising a lot is refused at once
/// and a gzip bomb is stopped after a megabyte.
private let fuzzCap = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func idxFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let descriptor = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  guard descriptor >= 0 else { return 0 }
  var written = 0
  while let data, written < size {
    let result = write(descriptor, data + written, size - written)
    if result <= 0 { break }
    written += result
  }
  _ = close(descriptor)
  for rank in [1, 3] {
    _ = try? IDXFile(contentsOf: scratchPath, rank: rank, maximumBytes: fuzzCap)
  }
  return 0
}
