#ifndef RNNTOP_CBLAS_SHIM_H
#define RNNTOP_CBLAS_SHIM_H

// OpenBLAS's CBLAS interface. Debian's libopenblas-dev puts cblas.h on the default
// include path through the alternatives system; it also declares OpenBLAS's own
// extensions (openblas_set_num_threads, openblas_get_corename).
#include <cblas.h>

#endif
