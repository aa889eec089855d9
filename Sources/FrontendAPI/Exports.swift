// The contract types (DType, Shape, Backend, PlexusError, ...) are part of Plexus's API.
@_exported import BackendProtocol
// What a loaded plugin reports (LoadedPlugin, DeviceCopyCounts, PluginLog) is too.
@_exported import PlexusPlugins
