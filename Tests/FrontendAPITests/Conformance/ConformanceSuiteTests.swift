import PlexusOneDNN
import PlexusReference
import PlexusTestSupport
import Testing

@testable import Plexus

/// The conformance suite: every op and dtype a backend claims, forward (op records against the
/// reference kernels, or against the composites for the convolution and pooling families) and
/// backward (every differentiable op through the tape), with the tolerances of
/// ``ConformanceTolerance`` and the backend's checked-in known gaps.
@Suite struct ConformanceSuiteTests {
  /// The backends held to the reference: adding one is adding its registered name here (a
  /// plugin's too, once it is loaded). The reference backend is among them: forward, its own
  /// kernels against a fresh instance of themselves (every op it claims runs); backward, every
  /// case.
  static let backends = ["reference", "openblas", "onednn"]

  @Test(arguments: backends)
  func forwardMatchesTheReference(backend name: String) throws {
    let backend = try BackendRegistry.shared.backend(named: name)
    let mismatches = try checkBackendConformance(backend, against: ReferenceBackend())
    #expect(try checkKnownGaps(mismatches, backend: name) == [])
  }

  /// The registered oneDNN backend runs small elementwise ops on its host kernels; one that
  /// runs every op on oneDNN's primitives is held to the reference too, with the same gaps.
  @Test func oneDNNPrimitivesMatchTheReference() throws {
    let mismatches = try checkBackendConformance(OneDNNBackend(), against: ReferenceBackend())
    #expect(try checkKnownGaps(mismatches, backend: "onednn") == [])
  }

  @Test(arguments: backends)
  func backwardMatchesTheReference(backend name: String) throws {
    var exercised = 0
    let problems = try checkGradientConformance(
      backend: name, cases: conformanceGradientCases(),
      tolerance: ConformanceTolerance.backward(.float32), skippingUnexercised: true,
      exercised: &exercised)
    #expect(problems == [])
    #expect(exercised > 0, "\(name) ran none of the cases' ops")
  }

  /// The reference itself passes its own backward cases (every case runs there): the cases
  /// are sound, and the known-gaps check reports what it must.
  @Test func theSuiteItselfIsSound() throws {
    #expect(
      try checkGradientConformance(backend: "reference", cases: conformanceGradientCases()) == [])
    let stale = try checkKnownGaps([], backend: "a-backend-with-no-list")
    #expect(stale.isEmpty)
    let unlisted = try checkKnownGaps(
      ["matmul float32 [2, 3]: element 0 is 1, expected 2"], backend: "openblas")
    #expect(unlisted.count == 1)
  }
}
