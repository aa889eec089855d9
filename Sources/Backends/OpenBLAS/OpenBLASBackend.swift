import BackendProtocol
import CBLAS

/// Matrix products through OpenBLAS's CBLAS; everything else falls back to the reference backend.
public final class OpenBLASBackend: @unchecked Sendable {
  public let name = "openblas"
  public init() {}
}
