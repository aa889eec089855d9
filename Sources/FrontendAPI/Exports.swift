// The contract types (DType, Shape, Backend, PlexusError, ...) are part of Plexus's API.
@_exported import BackendProtocol
