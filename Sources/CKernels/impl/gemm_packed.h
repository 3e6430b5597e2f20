// The recurrent product of one time step, C = A * B, where B is a weight matrix that
// stays the same for every step of a pass. B is packed once into panels of 16
// columns, so each panel is read contiguously and stays in cache while the rows of
// A stream past it. Per call there is no packing, no allocation and no threading:
// the cost is the arithmetic, which is what makes small models fast.

#define NR RK_PANEL_WIDTH
#define NV (NR / RK_LANES)

// Writes one accumulated row of a panel into C, only its first `width` columns.
RK_INLINE void store_row(float *c, const vf *row, int width, int accumulate) {
    if (width == NR) {
        for (int v = 0; v < NV; v++) {
            vf x = row[v];
            if (accumulate) x += vf_load(c + v * RK_LANES);
            vf_store(c + v * RK_LANES, x);
        }
        return;
    }
    float tmp[NR];
    for (int v = 0; v < NV; v++) vf_store(tmp + v * RK_LANES, row[v]);
    for (int j = 0; j < width; j++) c[j] = accumulate ? c[j] + tmp[j] : tmp[j];
}

// One tile: MR rows of A against NP consecutive panels, MR x 16*NP outputs held in
// registers. MR and NP are constants at every call site, so the loops unroll and
// the accumulators stay in registers.
RK_INLINE void tile(const int MR, const int NP, int k, const float *a, int lda,
                    const float *panel, size_t panel_stride, float *c, int ldc,
                    int n_left, int accumulate) {
    vf acc[6][4][NV];
    for (int r = 0; r < MR; r++)
        for (int q = 0; q < NP; q++)
            for (int v = 0; v < NV; v++) acc[r][q][v] = vf_splat(0.0f);
    for (int i = 0; i < k; i++) {
        vf b[4][NV];
        for (int q = 0; q < NP; q++)
            for (int v = 0; v < NV; v++)
                b[q][v] = vf_load(panel + q * panel_stride + (size_t)i * NR + v * RK_LANES);
        for (int r = 0; r < MR; r++) {
            vf av = vf_splat(a[(size_t)r * lda + i]);
            for (int q = 0; q < NP; q++)
                for (int v = 0; v < NV; v++) acc[r][q][v] += av * b[q][v];
        }
    }
    for (int q = 0; q < NP; q++) {
        int width = n_left - q * NR;
        if (width > NR) width = NR;
        for (int r = 0; r < MR; r++) store_row(c + (size_t)r * ldc + q * NR, acc[r][q], width, accumulate);
    }
}

// One tile of `mr` rows (1 to 6) against NP panels, dispatched to the unrolled version.
RK_INLINE void row_tile(const int NP, int mr, int k, const float *a, int lda, const float *panel, size_t stride,
                        float *c, int ldc, int n_left, int accumulate) {
    switch (mr) {
    case 6: tile(6, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    case 5: tile(5, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    case 4: tile(4, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    case 3: tile(3, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    case 2: tile(2, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    case 1: tile(1, NP, k, a, lda, panel, stride, c, ldc, n_left, accumulate); break;
    default: break;
    }
}

// All rows of A against NP panels starting at column `col`, in tiles of at most six
// rows of nearly equal size (16 rows: 6, 5, 5 rather than 6, 6, 4), since a short
// tile has too few independent sums to keep the multiply-add units busy.
RK_INLINE void panel_rows(const int NP, int m, int n, int k, const float *a, int lda, const float *panel,
                          size_t stride, float *c, int ldc, int col, int accumulate) {
    int tiles = (m + 5) / 6;
    int r = 0;
    for (int t = 0; t < tiles; t++) {
        int mr = (m - r) / (tiles - t);
        row_tile(NP, mr, k, a + (size_t)r * lda, lda, panel, stride, c + (size_t)r * ldc + col, ldc, n - col,
                 accumulate);
        r += mr;
    }
}

// Depth of one block of the inner dimension: a panel's block (16 x 256 floats) and
// the rows' block stay in the first-level cache together.
#define KC 256

// Panels a tile spans: with sixteen-float vectors one panel is a single vector wide,
// so two go together to keep twelve sums in flight.
#define PANELS_PER_TILE (RK_LANES == 16 ? 2 : 1)

// All rows against NP panels from panel p, block by block of the inner dimension.
RK_INLINE void panel_group(const int NP, int m, int n, int k, const float *a, int lda, const float *packed,
                           float *c, int ldc, int p, int accumulate) {
    size_t stride = (size_t)k * NR;
    for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = k - k0 < KC ? k - k0 : KC;
        panel_rows(NP, m, n, kc, a + k0, lda, packed + p * stride + (size_t)k0 * NR, stride, c, ldc, p * NR,
                   accumulate || k0 > 0);
    }
}

void RK_FN(rk_gemm_packed)(int m, int n, int k, const float *a, int lda,
                           const float *packed, float *c, int ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
    size_t stride = (size_t)k * NR;
    int panels = (n + NR - 1) / NR;
    int p = 0;
    // With one or two rows, several panels go at once, so that enough independent
    // sums are in flight to hide the latency of the multiply-adds.
    if (m == 1) {
        for (; p + 4 <= panels; p += 4)
            tile(1, 4, k, a, lda, packed + p * stride, stride, c + p * NR, ldc, n - p * NR, accumulate);
    } else if (m == 2) {
        for (; p + 2 <= panels; p += 2)
            tile(2, 2, k, a, lda, packed + p * stride, stride, c + p * NR, ldc, n - p * NR, accumulate);
    }
    for (; p + PANELS_PER_TILE <= panels; p += PANELS_PER_TILE)
        panel_group(PANELS_PER_TILE, m, n, k, a, lda, packed, c, ldc, p, accumulate);
    for (; p < panels; p++) panel_group(1, m, n, k, a, lda, packed, c, ldc, p, accumulate);
}

#undef KC
#undef PANELS_PER_TILE
#undef NR
#undef NV
