import BackendProtocol
import PlexusOneDNN
import PlexusTestSupport
import Testing

@Suite struct OneDNNConformanceTests {
  @Test func conformsToTheReference() throws {
    let backend = OneDNNBackend()
    backend.setThreadCount(1)
    #expect(try checkBackendConformance(backend, against: reference) == [])
  }
}
