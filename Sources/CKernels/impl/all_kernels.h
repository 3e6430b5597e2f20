// Every kernel, compiled once per instruction-set variant. The includer defines
// RK_LANES (vector width in floats) and RK_FN(name) (the variant's function name).

#include "rnnkernels.h"
#include "../vmath.h"
#include "gemm_packed.h"
#include "gemv.h"
#include "rnn_cell.h"
#include "lstm_cell.h"
#include "gru_cell.h"
#include "vector_ops.h"
#include "optimizers.h"
#include "min_cells.h"
