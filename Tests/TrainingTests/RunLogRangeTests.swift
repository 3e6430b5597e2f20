import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Numbers in a run log that would become steps, sizes or indices out of their
/// range are refused with the file, the line and the field, whichever way the record
/// is spelled; none of them traps.
@Suite struct RunLogRangeTests {
    static let runRecord = #"{"type":"run","schema":1,"model":{"cell":"gru","hidden":4},"seed":7}"#

    /// Reads `lines` as a whole log; the error's text, or nil when it was read.
    static func refusal(_ lines: [String]) throws -> String? {
        let path = try RunLogTests.folder().appendingPathComponent("log.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            let reader = try RunLogReader(path: path)
            try reader.update()
            try reader.finish()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aStepOutOfRangeIsNamedInEitherSpelling() throws {
        let fast = try Self.refusal([Self.runRecord, #"{"type":"step","step":1e19,"loss":0.5}"#])
        #expect(fast?.hasSuffix("line 2: field 'step': 1e+19 is not a whole number from 0 to 2147483647") == true, "\(fast ?? "read")")
        let spaced = try Self.refusal([Self.runRecord, #"{"type": "step", "step": 1e19, "loss": 0.5}"#])
        #expect(spaced?.contains("line 2: field 'step': ") == true, "\(spaced ?? "read")")
        let negative = try Self.refusal([Self.runRecord, #"{"type":"eval","step":-4,"loss":0.5}"#])
        #expect(negative?.contains("line 2: field 'step': -4 is out of range (0 to 2147483647)") == true, "\(negative ?? "read")")
        let fraction = try Self.refusal([Self.runRecord, #"{"type":"step","step":2.5}"#])
        #expect(fraction?.contains("field 'step': 2.5 is not a whole number") == true, "\(fraction ?? "read")")
    }

    /// A model event's model is decoded from the line itself: one rnntop does not
    /// know is refused naming the line and the field; one too large to train, too.
    @Test func aModelEventWithAModelRnntopDoesNotKnowIsRefused() throws {
        let event = #"{"type":"event","step":3,"name":"model","message":"a new model","source":"key","applied":true,"model":"#
        let unknown = try Self.refusal([Self.runRecord, event + #"{"cell":"quantum"}}"#])
        #expect(unknown?.contains("line 2: field 'model': not a model rnntop knows") == true, "\(unknown ?? "read")")
        let notAnObject = try Self.refusal([Self.runRecord, event + #"[1,2]}"#])
        #expect(notAnObject?.contains("line 2: field 'model': not a model rnntop knows") == true, "\(notAnObject ?? "read")")
    }

    @Test func aBatchThatIsNotASizeIsRefused() throws {
        let infinite = try Self.refusal([Self.runRecord, #"{"type":"step","step":1,"loss":0.5,"batch":"Infinity"}"#])
        #expect(infinite?.contains("line 2: field 'batch': Infinity is not a whole number") == true, "\(infinite ?? "read")")
        let spaced = try Self.refusal([Self.runRecord, #"{"type": "step", "step": 1, "batch": -3}"#])
        #expect(spaced?.contains("line 2: field 'batch': -3 is out of range") == true, "\(spaced ?? "read")")
    }

    /// A number field holding any string but the three JSON lacks is a broken log,
    /// refused with its line and field, not read as NaN and drawn as a divergence.
    @Test func aNumberFieldHoldingTextIsRefusedNamingIt() throws {
        let cases: [(String, String)] = [
            (#"{"type":"step","step":1,"loss":"abc","grad_norm":1}"#, "line 2: field 'loss': abc is not a number"),
            (#"{"type":"eval","step":1,"loss":"low"}"#, "line 2: field 'loss': low is not a number"),
            (#"{"type":"grad_profile","step":1,"layers":[[0.1,"x"]]}"#, "line 2: field 'layers': x is not a number"),
            (#"{"type":"param_norms","step":1,"grad":[1,"2"],"weight":[1,1]}"#, "line 2: field 'grad': 2 is not a number"),
        ]
        for (record, message) in cases {
            let refused = try Self.refusal([Self.runRecord, record])
            #expect(refused?.contains(message) == true, "\(refused ?? "read")")
        }
        #expect(try Self.refusal([Self.runRecord, #"{"type":"step","step":1,"loss":"NaN","grad_norm":"Infinity"}"#]) == nil)
    }

    /// Steps that go back or repeat, with no resume to say why, are left out with a
    /// note of how many and from which line, not taken for a resume that drops the
    /// rest (50 records in reverse were 1 point).
    @Test func stepsThatDoNotGoForwardAreLeftOutAndCounted() throws {
        let path = try RunLogTests.folder().appendingPathComponent("backward.jsonl").path
        let reversed = (1...50).reversed().map { #"{"type":"step","step":\#($0),"loss":0.5}"# }
        let repeated = [#"{"type":"step","step":60,"loss":0.5}"#, #"{"type":"step","step":60,"loss":0.4}"#]
        try ([Self.runRecord] + reversed + repeated).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RunLogReader(path: path)
        try reader.update()
        let run = try #require(reader.run)
        #expect(run.steps.step.map(Int.init) == [50, 60], "the first record and the first step 60 are kept")
        #expect(reader.notes == ["\(path): line 3: step 49 comes after step 50; 50 step records that did not go forward were left out"])
    }

    /// A seed is an unsigned 64-bit number everywhere: what an unseeded PyTorch run
    /// writes (`torch.initial_seed()`, any of 2^64) is read, a negative one refused.
    @Test func aSeedIsAnyUnsigned64BitNumberAndNothingElse() throws {
        for seed in ["13971085962873183728", "18446744073709551615", "0", "1"] {
            let path = try RunLogTests.folder().appendingPathComponent("seed.jsonl").path
            try (Self.runRecord.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":\(seed)") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let reader = try RunLogReader(path: path)
            try reader.update()
            #expect(reader.run?.header.settings.seed == UInt64(seed))
        }
        for bad in ["-1", "1e30", "1.5", "\"7\""] {
            let refused = try Self.refusal([Self.runRecord.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":\(bad)")])
            #expect(refused?.contains("line 1: field 'seed': ") == true && refused?.contains("is not a seed") == true, "\(bad): \(refused ?? "read")")
        }
    }

    @Test func aProbeMustFitItsModel() throws {
        func matrix(_ units: String, _ steps: String, _ values: String = "[]") -> String {
            #"{"units":\#(units),"steps":\#(steps),"values":\#(values)}"#
        }
        let overflow = try Self.refusal([
            Self.runRecord, #"{"type":"probe","step":1,"layers":[{"h":\#(matrix("4294967296", "4294967296")),"dh":\#(matrix("1", "1", "[0]"))}]}"#,
        ])
        #expect(overflow?.contains("line 2: field 'h.units': 4294967296 is out of range") == true, "\(overflow ?? "read")")
        let product = try Self.refusal([
            Self.runRecord, #"{"type":"probe","step":1,"layers":[{"h":\#(matrix("2147483647", "2147483647")),"dh":\#(matrix("1", "1", "[0]"))}]}"#,
        ])
        #expect(product?.contains("field 'h': a probe matrix whose values do not fill units × steps") == true, "\(product ?? "read")")
        // A GRU's probe without its gates, and an LSTM's without c_t: the heatmap would look for them.
        let one = matrix("1", "1", "[0]")
        let noGates = try Self.refusal([Self.runRecord, #"{"type":"probe","step":1,"layers":[{"h":\#(one),"dh":\#(one)}]}"#])
        #expect(noGates?.contains("field 'gates': a probe's gates are not the GRU cell's") == true, "\(noGates ?? "read")")
        let lstm = Self.runRecord.replacingOccurrences(of: "gru", with: "lstm")
        let gates = ["i", "f", "g", "o"].map { #"{"name":"\#($0)","saturation":0,"activations":\#(one)}"# }.joined(separator: ",")
        let noCell = try Self.refusal([lstm, #"{"type":"probe","step":1,"layers":[{"h":\#(one),"dh":\#(one),"gates":[\#(gates)]}]}"#])
        #expect(noCell?.contains("field 'c': a probe matrix whose values do not fill units × steps") == true, "\(noCell ?? "read")")
        let twoLayers = try Self.refusal([Self.runRecord, #"{"type":"probe","step":1,"layers":[{"h":\#(one),"dh":\#(one)},{"h":\#(one),"dh":\#(one)}]}"#])
        #expect(twoLayers?.contains("field 'layers': a probe of 2 layers for a model of 1") == true, "\(twoLayers ?? "read")")
        // A module watched from outside names no cell: its h_t and ∂L/∂h_t are all it has.
        let watched = #"{"type":"run","schema":1,"model":{"hidden":1},"seed":7}"#
        #expect(try Self.refusal([watched, #"{"type":"probe","step":1,"layers":[{"h":\#(one),"dh":\#(one)}]}"#]) == nil)
        let minGRU = Self.runRecord.replacingOccurrences(of: "gru", with: "mingru")
        let minGates = ["z", "h"].map { #"{"name":"\#($0)","saturation":0,"activations":\#(one)}"# }.joined(separator: ",")
        let halfDecay = try Self.refusal([
            minGRU.replacingOccurrences(of: "\"hidden\":4", with: "\"hidden\":1,\"layers\":2"),
            #"{"type":"probe","step":1,"layers":[{"h":\#(one),"dh":\#(one),"decay":\#(one),"gates":[\#(minGates)]},"#
                + #"{"h":\#(one),"dh":\#(one),"gates":[\#(minGates)]}]}"#,
        ])
        #expect(halfDecay?.contains("a probe with c_t or decays in some layers only") == true, "\(halfDecay ?? "read")")
    }

    @Test func aModelTooLargeToTrainIsRefused() throws {
        let header = try Self.refusal([#"{"type":"run","schema":1,"model":{"cell":"rnn","hidden":1099511627776}}"#])
        #expect(header?.contains("line 1: field 'model': hidden: must be at most 65536") == true, "\(header ?? "read")")
        var model = ModelConfig(cell: .lstm, inputSize: 1, hiddenSize: 8)
        model.inputSize = 1 << 40
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        let event = try Self.refusal([Self.runRecord, #"{"type":"event","step":3,"name":"model","applied":true,"model":\#(json)}"#])
        #expect(event?.contains("line 2: field 'model': input size: must be at most 2097152") == true, "\(event ?? "read")")
    }

    /// A file that never ends its line (a device, a binary file) is refused, not read
    /// into memory for ever.
    @Test func aLineWithoutEndIsNotRead() throws {
        let path = try RunLogTests.folder().appendingPathComponent("endless.jsonl").path
        try (Self.runRecord + "\n" + String(repeating: "x", count: 3 << 20)).write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RunLogReader(path: path, maximumLineLength: 2 << 20)
        #expect(throws: InputError(file: path, location: "line 2", problem: "a line longer than 2.1 MB: not a run log")) { try reader.update() }
    }
}
