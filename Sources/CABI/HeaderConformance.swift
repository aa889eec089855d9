import CPlexusSupport

// Nothing else checks a Swift export against its declaration in include/plexus.h, so each line
// below pairs the two: it stops compiling when their signatures drift apart. Never called.
private func exportsMatchHeader() {
  check(pxAbiVersion, declaredAs: type(of: px_abi_version))
  check(pxVersionString, declaredAs: type(of: px_version_string))
  check(pxBackendCount, declaredAs: type(of: px_backend_count))
  check(pxBackendName, declaredAs: type(of: px_backend_name))
}

private func check<Function>(_ exported: Function, declaredAs: Function.Type) {}
