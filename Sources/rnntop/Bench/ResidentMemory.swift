import Foundation

/// The peak resident memory of a stretch of work, as Linux counts it: the process's
/// high-water mark (VmHWM), reset at the start, over what was resident then (VmRSS).
/// Exact only in a process that has not freed much before the start (memory the
/// allocator keeps for reuse would hide part of the new peak), which is why
/// `bench --scaling` measures each point in a process of its own. Elsewhere than on
/// Linux, or when /proc refuses, there is no figure.
struct ResidentMemory {
    private let startBytes: Int?

    /// Resets the high-water mark and notes the resident size.
    static func startMeasuring() -> ResidentMemory {
        var reset = false
        if let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            reset = (try? file.write(contentsOf: Data("5".utf8))) != nil
            try? file.close()
        }
        return ResidentMemory(startBytes: reset ? status("VmRSS") : nil)
    }

    /// The high-water mark since `startMeasuring`, less what was resident then.
    func peakBytes() -> Int? {
        guard let startBytes, let peak = Self.status("VmHWM") else { return nil }
        return max(0, peak - startBytes)
    }

    /// A "kB" line of /proc/self/status, in bytes.
    private static func status(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return number.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
