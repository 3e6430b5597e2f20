import FuzzTargets
import Foundation

// libFuzzer's entry point: one input for the target that RNNTOP_FUZZ_TARGET names
// (Scripts/fuzz.sh sets it). Built only with RNNTOP_FUZZ set and --sanitize fuzzer,
// which links libFuzzer's own main.

/// The target of this fuzzing run, read once.
let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["RNNTOP_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(
            Data("RNNTOP_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
