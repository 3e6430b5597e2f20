import Foundation
import FuzzTargets
import TestSupport
import Testing

/// Every input in the fuzzers' corpus, replayed through its target: the seeds, and
/// every input a fuzzer found a problem with (kept as a regression test). None may
/// trap; the seeds named `valid-*` must be accepted, those named `bad-*` refused.
@Suite struct CorpusTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: FuzzTarget) throws -> [URL] {
        let folder = corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyInputIsReadOrRefusedWithoutATrap(_ target: FuzzTarget) throws {
        let inputs = try Self.inputs(target)
        #expect(inputs.contains { $0.lastPathComponent.hasPrefix("valid-") }, "\(target) has a seed it accepts")
        for input in inputs {
            let accepted = target.run([UInt8](try Data(contentsOf: input)))
            let name = input.lastPathComponent
            if name.hasPrefix("valid-") { #expect(accepted, "\(target): \(name) is refused") }
            if name.hasPrefix("bad-") { #expect(!accepted, "\(target): \(name) is accepted") }
        }
    }
}
