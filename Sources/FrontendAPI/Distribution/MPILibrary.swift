import BackendProtocol
import Foundation

/// Open MPI's C API, opened at run time: Plexus builds, links and runs without MPI, and only
/// ``DataParallel`` under `mpirun` loads it.
///
/// The handles of Open MPI's `mpi.h` (`MPI_COMM_WORLD`, `MPI_BYTE`, `MPI_MAX`, …) are the
/// addresses of its predefined globals (`&ompi_mpi_comm_world`), so `dlsym` gives them. The
/// library is opened `RTLD_GLOBAL`, as Open MPI's own components need its symbols. Every
/// transfer is `MPI_BYTE` (Plexus does its own arithmetic, in a fixed order); the one reduction
/// MPI computes is a maximum of 64-bit integers, which no order changes.
///
/// `@unchecked Sendable`: the function pointers and handles are set once, in `init`.
final class MPILibrary: @unchecked Sendable {
  typealias Handle = OpaquePointer
  typealias Request = OpaquePointer?

  // MPI_THREAD_SERIALIZED: any thread may call MPI, one at a time (``MPIWorld`` holds a lock).
  static let threadSerialized: Int32 = 2

  let initialized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
  let finalized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
  let initThread:
    @convention(c) (
      UnsafeMutablePointer<Int32>?,
      UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?, Int32,
      UnsafeMutablePointer<Int32>?
    ) -> Int32
  let finalize: @convention(c) () -> Int32
  let commRank: @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Int32
  let commSize: @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Int32
  let setErrorHandler: @convention(c) (Handle?, Handle?) -> Int32
  let errorString:
    @convention(c) (Int32, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
  let ibcast:
    @convention(c) (
      UnsafeMutableRawPointer?, Int32, Handle?, Int32, Handle?, UnsafeMutablePointer<Request>?
    ) -> Int32
  let iallgather:
    @convention(c) (
      UnsafeRawPointer?, Int32, Handle?, UnsafeMutableRawPointer?, Int32, Handle?, Handle?,
      UnsafeMutablePointer<Request>?
    ) -> Int32
  let iallgatherv:
    @convention(c) (
      UnsafeRawPointer?, Int32, Handle?, UnsafeMutableRawPointer?, UnsafePointer<Int32>?,
      UnsafePointer<Int32>?, Handle?, Handle?, UnsafeMutablePointer<Request>?
    ) -> Int32
  let ialltoallv:
    @convention(c) (
      UnsafeRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Handle?,
      UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Handle?, Handle?,
      UnsafeMutablePointer<Request>?
    ) -> Int32
  let iallreduce:
    @convention(c) (
      UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle?, Handle?, Handle?,
      UnsafeMutablePointer<Request>?
    ) -> Int32
  let isend:
    @convention(c) (
      UnsafeRawPointer?, Int32, Handle?, Int32, Int32, Handle?, UnsafeMutablePointer<Request>?
    ) -> Int32
  let irecv:
    @convention(c) (
      UnsafeMutableRawPointer?, Int32, Handle?, Int32, Int32, Handle?,
      UnsafeMutablePointer<Request>?
    ) -> Int32
  let test:
    @convention(c) (UnsafeMutablePointer<Request>?, UnsafeMutablePointer<Int32>?, OpaquePointer?)
      -> Int32
  let commDup: @convention(c) (Handle?, UnsafeMutablePointer<Handle?>?) -> Int32
  let queryThread: @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
  let cancel: @convention(c) (UnsafeMutablePointer<Request>?) -> Int32
  let requestFree: @convention(c) (UnsafeMutablePointer<Request>?) -> Int32

  let commWorld: Handle
  let byte: Handle
  let int64: Handle
  let opMax: Handle
  let errorsReturn: Handle
  /// `MPI_REQUEST_NULL`, what a completed request becomes (not a null pointer in Open MPI).
  let requestNull: Handle

  /// Opens `PLEXUS_MPI_LIBRARY`, else Open MPI's `libmpi.so.40`, else `libmpi.so`.
  init() throws {
    let environment = ProcessInfo.processInfo.environment
    let names = [environment["PLEXUS_MPI_LIBRARY"], "libmpi.so.40", "libmpi.so"].compactMap { $0 }
    var opened: UnsafeMutableRawPointer?
    var errors: [String] = []
    for name in names {
      if let library = dlopen(name, RTLD_NOW | RTLD_GLOBAL) {
        opened = library
        break
      }
      errors.append(dlerror().map { String(cString: $0) } ?? name)
    }
    guard let library = opened else {
      throw PlexusError.invalidState(
        context: "DataParallel",
        message: "Open MPI could not be loaded (\(errors.joined(separator: "; "))); install it "
          + "with `apt-get install openmpi-bin libopenmpi-dev`, or set PLEXUS_MPI_LIBRARY to "
          + "its libmpi.so")
    }
    func symbol<T>(_ name: String, as type: T.Type) throws -> T {
      guard let address = dlsym(library, name) else {
        throw PlexusError.invalidState(
          context: "DataParallel",
          message: "the MPI library has no symbol '\(name)'; Plexus needs Open MPI 4 or later")
      }
      return unsafeBitCast(address, to: type)
    }
    func handle(_ name: String) throws -> Handle {
      guard let address = dlsym(library, name) else {
        throw PlexusError.invalidState(
          context: "DataParallel",
          message: "the MPI library has no '\(name)': it is not Open MPI, whose handles Plexus "
            + "reads (set PLEXUS_MPI_LIBRARY to Open MPI's libmpi.so)")
      }
      return OpaquePointer(address)
    }
    initialized = try symbol("MPI_Initialized", as: type(of: initialized))
    finalized = try symbol("MPI_Finalized", as: type(of: finalized))
    initThread = try symbol("MPI_Init_thread", as: type(of: initThread))
    finalize = try symbol("MPI_Finalize", as: type(of: finalize))
    commRank = try symbol("MPI_Comm_rank", as: type(of: commRank))
    commSize = try symbol("MPI_Comm_size", as: type(of: commSize))
    setErrorHandler = try symbol("MPI_Comm_set_errhandler", as: type(of: setErrorHandler))
    errorString = try symbol("MPI_Error_string", as: type(of: errorString))
    ibcast = try symbol("MPI_Ibcast", as: type(of: ibcast))
    iallgather = try symbol("MPI_Iallgather", as: type(of: iallgather))
    iallgatherv = try symbol("MPI_Iallgatherv", as: type(of: iallgatherv))
    ialltoallv = try symbol("MPI_Ialltoallv", as: type(of: ialltoallv))
    iallreduce = try symbol("MPI_Iallreduce", as: type(of: iallreduce))
    isend = try symbol("MPI_Isend", as: type(of: isend))
    irecv = try symbol("MPI_Irecv", as: type(of: irecv))
    test = try symbol("MPI_Test", as: type(of: test))
    commDup = try symbol("MPI_Comm_dup", as: type(of: commDup))
    queryThread = try symbol("MPI_Query_thread", as: type(of: queryThread))
    cancel = try symbol("MPI_Cancel", as: type(of: cancel))
    requestFree = try symbol("MPI_Request_free", as: type(of: requestFree))
    commWorld = try handle("ompi_mpi_comm_world")
    byte = try handle("ompi_mpi_byte")
    int64 = try handle("ompi_mpi_int64_t")
    opMax = try handle("ompi_mpi_op_max")
    errorsReturn = try handle("ompi_mpi_errors_return")
    requestNull = try handle("ompi_request_null")
  }

  /// MPI's text for error code `code`.
  func describe(_ code: Int32) -> String {
    var text = [CChar](repeating: 0, count: 512)
    var length: Int32 = 0
    _ = errorString(code, &text, &length)
    let bytes = text.prefix(Int(Swift.max(0, Swift.min(length, 511)))).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }
}
