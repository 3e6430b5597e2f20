import Foundation
import RNNCore

/// The machine a benchmark ran on, so figures from different runs can be compared.
struct MachineInfo: Encodable {
    let cpu: String
    let cores: Int
    let kernels: String
    let openblasCore: String
    let date: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let formatter = ISO8601DateFormatter()
        return MachineInfo(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, kernels: EngineInfo.kernelVariant,
            openblasCore: EngineInfo.blasCore, date: formatter.string(from: Date()))
    }

    enum CodingKeys: String, CodingKey {
        case cpu, cores, kernels, date
        case openblasCore = "openblas_core"
    }
}
