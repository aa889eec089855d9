import CPlexusSupport

/// The library's release version, as `px_version_string` returns it.
private let releaseVersion: StaticString = "0.11.0"

/// `px_abi_version`: the ABI version of this library, `(major << 16) | minor`.
@c(px_abi_version)
public func pxAbiVersion() -> UInt32 {
  UInt32(PX_ABI_VERSION_MAJOR) << 16 | UInt32(PX_ABI_VERSION_MINOR)
}

/// `px_version_string`: the release version, a static NUL-terminated string.
@c(px_version_string)
public func pxVersionString() -> UnsafePointer<CChar>? {
  UnsafeRawPointer(releaseVersion.utf8Start).assumingMemoryBound(to: CChar.self)
}
