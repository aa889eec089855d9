import BackendProtocol
import PlexusOneDNN
import PlexusTestSupport
import Testing

@Suite struct OneDNNConformanceTests {
  /// Every op and dtype oneDNN claims against the reference kernels (and the convolution and
  /// pooling families against the frontend's composites), within the tolerances of
  /// `ConformanceTolerance`: oneDNN's `exp`, `tanh` and `sigmoid` are within 5 ulps and its
  /// `log` within 3.5e-6 (see `OneDNNBackendTests.eltwiseAccuracy`), inside the table's 1e-5
  /// for transcendental functions.
  @Test(arguments: [1, 2])
  func conformsToTheReference(threads: Int) throws {
    let backend = OneDNNBackend()
    backend.setThreadCount(threads)
    let mismatches = try checkBackendConformance(backend, against: reference)
    #expect(mismatches == [], "\(mismatches.prefix(20).joined(separator: "\n"))")
  }
}
