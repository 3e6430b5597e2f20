import Foundation

/// What a training process costs, as `top` shows it: CPU use since the last
/// measurement in percent of one core (200: two cores busy), resident memory, and
/// for a PyTorch run on a GPU the most memory its tensors took there. A value this
/// process measured of itself, or one a log recorded at `step`.
public struct ResourceUse: Sendable, Equatable {
    /// The step it was measured at, and the seconds since the run started then (NaN
    /// when a log does not say): a rate of CPU use is of its moment, so a replay far
    /// past it says which step it is from.
    public var step: Int
    public var elapsed: Double
    public var cpuPercent: Double
    public var residentBytes: Double?
    /// `torch.cuda.max_memory_allocated`, from a PyTorch run's log.
    public var devicePeakBytes: Double?
    /// Where the model trains (`cpu`, `cuda:0`), when a log says.
    public var device: String?

    /// Seconds within which a measurement is of the moment shown: a few of the
    /// writers' intervals of about a second.
    public static let freshness = 5.0

    public init(
        step: Int, elapsed: Double, cpuPercent: Double, residentBytes: Double?, devicePeakBytes: Double? = nil, device: String? = nil
    ) {
        self.step = step
        self.elapsed = elapsed
        self.cpuPercent = cpuPercent
        self.residentBytes = residentBytes
        self.devicePeakBytes = devicePeakBytes
        self.device = device
    }
}

/// Measures this process: the CPU time it used between two measurements over the
/// time between them, and its resident memory now (from /proc/self/statm; none
/// where there is no /proc). About a microsecond and one small read a call.
struct ProcessMeter {
    /// Seconds between measurements: `top`'s refresh is of this order, and a shorter
    /// span makes the percentage jumpy.
    static let interval = 1.0

    private var last: (wall: Double, cpu: Double)?

    /// The use since the last call, once `interval` has passed since it (the first
    /// call only starts the count); nil before that. `wall` is the run's elapsed time.
    mutating func measure(at wall: Double, step: Int) -> ResourceUse? {
        let cpu = Self.cpuSeconds()
        guard let last else {
            self.last = (wall, cpu)
            return nil
        }
        guard wall - last.wall >= Self.interval else { return nil }
        self.last = (wall, cpu)
        let percent = max(0, (cpu - last.cpu) / (wall - last.wall) * 100)
        return ResourceUse(step: step, elapsed: wall, cpuPercent: percent, residentBytes: Self.residentBytes())
    }

    /// CPU seconds the process used so far, all its threads.
    private static func cpuSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Resident bytes: /proc/self/statm's second number, in pages.
    private static func residentBytes() -> Double? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = bytes[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return Double(pages) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
