/*
 * An empty <omp.h> for the package's build of the BLIS plugin. Debian's BLIS is its OpenMP
 * build, whose blis.h includes <omp.h> while declaring nothing that uses it; the clang of the
 * Swift toolchain has no OpenMP headers. The plugin calls no OpenMP function: BLIS's own
 * library (linked against libgomp) does the threading.
 */
#ifndef PX_BLIS_OMP_SHIM_H
#define PX_BLIS_OMP_SHIM_H
#endif
