import Foundation
import RNNCore
import TestSupport
import Testing

/// `rnntop verify`, run as a user runs it.
@Suite struct VerifyCommandTests {
    @Test func everyReferenceFilePasses() throws {
        let files = Fixtures.goldenFiles
        #expect(files.count >= 10)
        let outcome = try CommandRunner.run(["verify", Fixtures.goldenFolder.path])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            #expect(outcome.standardOutput.contains("\(name):"), "no report for \(name)")
        }
        #expect(outcome.standardOutput.contains("dL_dh_norm.l0"))
        #expect(outcome.standardOutput.contains("adam.params_after.weight_hh_l0"))
        #expect(!outcome.standardOutput.contains("FAIL"))
        #expect(outcome.standardOutput.contains("\(files.count) files"))
    }

    @Test func anImpossibleToleranceFailsWithStatusOne() throws {
        let file = Fixtures.goldenFolder.appendingPathComponent("lstm_tanh_basic.json").path
        let outcome = try CommandRunner.run(["verify", "--tolerance", "1e-15", file])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("FAIL"))
    }

    @Test func aMissingFileIsNamed() throws {
        let outcome = try CommandRunner.run(["verify", "/nonexistent/case.json"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("/nonexistent/case.json: no such file"))
    }

    @Test func aFileThatIsNotJSONIsNamed() throws {
        let folder = try Fixtures.temporaryFolder()
        let file = folder.appendingPathComponent("broken.json")
        try Data("{\"cell\": \"lstm\", oops".utf8).write(to: file)
        let outcome = try CommandRunner.run(["verify", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("broken.json: is not valid JSON"))
    }

    @Test func aWrongShapeNamesTheField() throws {
        let source = Fixtures.goldenFolder.appendingPathComponent("gru_tanh_basic.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as! [String: Any]
        var params = json["params"] as! [String: Any]
        params["weight_hh_l0"] = ["shape": [12, 5], "data": Array(repeating: 0.0, count: 60)]
        json["params"] = params
        let folder = try Fixtures.temporaryFolder()
        let file = folder.appendingPathComponent("reshaped.json")
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let outcome = try CommandRunner.run(["verify", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("reshaped.json: field 'params.weight_hh_l0': expected shape [12, 4], got [12, 5]"))
    }

    @Test func anUnknownCellIsNamed() throws {
        let source = Fixtures.goldenFolder.appendingPathComponent("rnn_tanh_basic.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as! [String: Any]
        json["cell"] = "transformer"
        json.removeValue(forKey: "h0")
        let folder = try Fixtures.temporaryFolder()
        let file = folder.appendingPathComponent("odd.json")
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let outcome = try CommandRunner.run(["verify", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("odd.json: field 'cell': unknown cell 'transformer'"))
    }

    @Test func badUsageExitsTwo() throws {
        let outcome = try CommandRunner.run(["verify", "--tolerance", "-1", "x.json"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--tolerance"))
        let unknown = try CommandRunner.run(["frobnicate"])
        #expect(unknown.status == 2)
    }
}

/// Every variant of the C kernels the CPU can run passes the reference files: the
/// machine running the tests would otherwise exercise only its widest one. A variant
/// the CPU lacks is skipped (and says so in the test report), not silently replaced.
@Suite struct KernelVariantTests {
    /// Runs verify with `variant` asked for, and checks that it is the one that ran.
    static func verify(_ variant: String, reports shown: String) throws {
        let outcome = try CommandRunner.run(["verify", "--quiet", Fixtures.goldenFolder.path], environment: ["RNNTOP_KERNELS": variant])
        #expect(outcome.status == 0, "\(variant): \(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("kernels \(shown),"), "\(outcome.standardOutput.prefix(80))")
        #expect(outcome.standardOutput.contains("all within"))
    }

    @Test func theBaselineKernelsMatchPyTorch() throws {
        try Self.verify("baseline", reports: "baseline")
    }

    @Test(.enabled(if: EngineInfo.supportedVariants.contains("avx2"), "this CPU has no AVX2 and FMA"))
    func theAvx2KernelsMatchPyTorch() throws {
        try Self.verify("avx2", reports: "avx2+fma")
    }

    @Test(.enabled(if: EngineInfo.supportedVariants.contains("avx512"), "this CPU has no AVX-512"))
    func theAvx512KernelsMatchPyTorch() throws {
        try Self.verify("avx512", reports: "avx512")
    }

    @Test func benchReportsTheVariantInUse() throws {
        let outcome = try CommandRunner.run(
            ["bench", "--quick", "--no-seed", "--cells", "rnn", "--hidden", "8", "--batch", "1"],
            environment: ["RNNTOP_KERNELS": "baseline"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("kernels baseline"))
    }
}
