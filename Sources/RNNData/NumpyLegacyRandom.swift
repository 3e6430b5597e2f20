/// NumPy's legacy generator (`np.random.seed(n)`, `np.random.rand`): MT19937 seeded
/// with init_genrand, doubles made of 53 bits from two 32-bit draws. The seed task
/// uses it to train on exactly the data of the Keras example it reproduces, so its
/// losses compare with Keras's.
struct NumpyLegacyRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// `np.random.rand()`: uniform in [0, 1).
    mutating func nextDouble() -> Double {
        let a = nextUInt32() >> 5, b = nextUInt32() >> 6
        return (Double(a) * 67_108_864 + Double(b)) / 9_007_199_254_740_992
    }

    private mutating func nextUInt32() -> UInt32 {
        if position >= 624 { twist() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        position = 0
    }
}
