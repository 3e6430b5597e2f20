import Foundation
import RNNCore

/// How much memory a run may plan for: the machine's physical memory, or less when
/// the process runs in a control group with a lower limit (a container). Settings
/// that would need more are refused before anything is allocated, with the figure.
public enum MemoryLimit {
    /// The limit in bytes, read once.
    public static let machine: Double = {
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        let limits = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].compactMap(groupLimit)
        return ([physical] + limits).filter { $0 > 0 }.min() ?? physical
    }()

    /// A control group's limit; nil when the file is missing or says "max".
    private static func groupLimit(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Refuses `bytes` above `limit`, in the words of `setting` and `what`:
    /// "hidden: LSTM(65536), batch 32 × 50 steps needs 620 GB of memory, more than the 23 GB there is".
    public static func check(_ bytes: Double, limit: Double, setting: String, what: String, detail: String? = nil) throws(ConfigError) {
        guard bytes <= limit else {
            throw ConfigError(
                setting: setting,
                problem: "\(what) needs \(MemoryFootprint.describe(bytes)) of memory\(detail.map { " (\($0))" } ?? ""), "
                    + "more than the \(MemoryFootprint.describe(limit)) there is")
        }
    }
}

extension BatchShape {
    /// The batch's inputs and targets in bytes, before it is made.
    var bytes: Double {
        let rows = Double(steps) * Double(size)
        let targets: Double
        switch self.targets {
        case .values(let width, let everyStep): targets = (everyStep ? rows : Double(size)) * Double(width)
        case .classes(let everyStep): targets = everyStep ? rows : Double(size)
        }
        return (rows * Double(inputSize) + targets) * Double(MemoryLayout<Float>.size)
    }

    /// Refuses fixed data (a validation set, a probe) that would not fit in `limit`.
    static func checkFixedData(_ shapes: [BatchShape], limit: Double, setting: String, task: String) throws(ConfigError) {
        let sequences = shapes.reduce(0) { $0 + $1.size }, steps = shapes.map(\.steps).max() ?? 0
        try MemoryLimit.check(
            shapes.reduce(0) { $0 + $1.bytes }, limit: limit, setting: setting,
            what: "the \(task) task's validation data (\(sequences) sequences of \(steps) steps)")
    }
}
