// The conformance suite lives in Sources/Plugins/Conformance (the `plexus conformance` command
// runs it too); the tests reach it through this module.
@_exported import PlexusConformance
