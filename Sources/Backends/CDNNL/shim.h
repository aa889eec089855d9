// oneDNN's 2.x C API (Debian's libdnnl-dev 2.6), and the two OpenMP calls Plexus needs.
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

// oneDNN 2.6 is built on the OpenMP runtime (libgomp) and offers no call of its own to set its
// thread count: the count of a parallel region is OpenMP's, per calling thread. Declared here,
// not taken from <omp.h>, which lives in GCC's private include directory that Swift's clang
// does not search.
int omp_get_max_threads(void);
void omp_set_num_threads(int count);
