// Debian's libhdf5-dev (serial flavour) through pkg-config "hdf5" (-I/usr/include/hdf5/serial).
// HDF5 names its predefined types and property lists with macros that expand to global
// variables behind a library-open call, which Swift cannot import; these functions return them.
#include <hdf5.h>

static inline hid_t px_h5_default(void) { return H5P_DEFAULT; }
static inline hid_t px_h5_all(void) { return H5S_ALL; }
static inline hid_t px_h5_error_default(void) { return H5E_DEFAULT; }
static inline hid_t px_h5_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t px_h5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t px_h5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t px_h5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t px_h5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t px_h5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t px_h5_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t px_h5_c_s1(void) { return H5T_C_S1; }
static inline unsigned px_h5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned px_h5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline size_t px_h5_variable(void) { return H5T_VARIABLE; }
