import ArgumentParser
import Foundation
import RNNCore

/// `rnntop verify PATH...`: checks the engine against reference files.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the engine against PyTorch reference cases.",
        discussion: """
            A reference case is a JSON file computed by PyTorch in float64: a model's weights, its \
            inputs, and its outputs, gradients, per-step gradient norms, clipping and optimizer steps \
            (the format is described in Tests/Fixtures/golden/README.md in rnntop's source). With no \
            paths, the cases that come with rnntop are checked. Runs each case forward and backward in float32 (and its clipping and optimizer steps), \
            then prints for every quantity the largest relative error against the float64 reference: \
            |ours - ref| / |ref| for single values (in log space below 1e-30), and the vector form \
            ||ours - ref|| / ||ref|| for each time step, layer or weight tensor. Optimizer steps are \
            compared as updates. Exit status 0 when every quantity is within the tolerance, 1 when \
            one is not, 2 when a file is missing or malformed.
            """
    )

    @Argument(help: "Reference files, or folders whose .json files are all checked (default: rnntop's own cases).")
    var paths: [String] = []

    @Option(help: "Largest relative error that passes.")
    var tolerance: Double = 1e-4

    @Flag(help: "Print only failing quantities and the summary.")
    var quiet = false

    func validate() throws {
        guard tolerance > 0 && tolerance.isFinite else {
            throw ValidationError("--tolerance must be a positive number")
        }
    }

    func run() throws {
        var badInput = false, failed = false
        var quantities = 0, checkedFiles = 0
        var worst: (error: Double, file: String, quantity: String) = (0, "", "")
        let sources: [String]
        if paths.isEmpty {
            guard let shipped = ShippedFiles.referenceCases else {
                printError("verify: rnntop's own reference cases are not beside this program; name case files or folders")
                throw ExitCode(2)
            }
            sources = [shipped]
        } else {
            sources = paths
        }
        print("kernels \(EngineInfo.kernelVariant), OpenBLAS \(EngineInfo.blasCore)")
        for file in expand(sources) {
            do {
                let golden = try GoldenCase(file: file)
                let results = try GoldenCheck(golden: golden).run()
                checkedFiles += 1
                print(heading(golden))
                for result in results {
                    quantities += 1
                    let ok = result.passed(tolerance: tolerance)
                    if !ok { failed = true }
                    if result.error > worst.error || !ok && worst.error <= tolerance {
                        worst = (result.error, golden.name, result.quantity)
                    }
                    if !quiet || !ok {
                        let mark = ok ? "ok" : "FAIL (worst at slice \(result.slice))"
                        print("  \(result.quantity.padding(toLength: 40, withPad: " ", startingAt: 0)) \(format(result.error))  \(mark)")
                    }
                }
            } catch {
                badInput = true
                printError(error.description)
            }
        }
        let verdict = failed ? "some quantities exceed" : "all within"
        print(
            "\(checkedFiles) file\(checkedFiles == 1 ? "" : "s"), \(quantities) quantities: \(verdict) \(format(tolerance)); "
                + "largest error \(format(worst.error)) (\(worst.file) \(worst.quantity))")
        if badInput { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }

    /// Files as given, folders replaced by their .json files in name order.
    private func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
                let names = try? FileManager.default.contentsOfDirectory(atPath: path)
            else { return [path] }
            return names.filter { $0.hasSuffix(".json") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
    }

    private func heading(_ golden: GoldenCase) -> String {
        let c = golden.config
        let layers = c.layers == 1 ? "1 layer" : "\(c.layers) layers"
        return "\(golden.name): \(c.cell.rawValue) \(c.activation.rawValue), \(layers), "
            + "hidden \(c.hiddenSize), steps \(golden.x.shape[0]), batch \(golden.x.shape[1])"
    }

    private func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1e", value) : "inf"
    }
}
