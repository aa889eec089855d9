import BackendProtocol
import PlexusReference
import PlexusTestSupport
import Testing

/// Runs the conformance checker with the reference backend on both sides: not a comparison,
/// but it drives every supported (op, dtype) pair through the checker's inputs and fails on
/// any op the reference claims but cannot run.
@Test func referenceRunsEverythingItClaims() throws {
  let mismatches = try checkBackendConformance(ReferenceBackend(), against: reference)
  #expect(mismatches == [])
}
