import Foundation
import RNNCore

/// Makes sure OpenBLAS runs the kernels the CPU deserves.
///
/// OpenBLAS picks its kernel family when the library loads. Debian's 0.3.21 does not
/// know CPUs newer than it and then falls back to "Prescott" (SSE3), which made a
/// large matrix product 7x slower on the machine we measured. OPENBLAS_CORETYPE
/// overrides the choice but is read only at load time, so when the fallback is
/// detected the program executes itself again, once, with the variable set. A
/// variable the user set is always respected.
enum OpenBLASCore {
    static func selectBestCore() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, EngineInfo.blasCore == "Prescott",
            let preferred = EngineInfo.preferredBLASCore
        else { return }
        setenv("OPENBLAS_CORETYPE", preferred, 1)
        // The resolved path, not /proc/self/exe, so that ps and top show "rnntop".
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        execv(path, CommandLine.unsafeArgv)
        // Still here: exec failed (no /proc). Run with the slower kernels.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
