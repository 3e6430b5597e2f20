import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Weights as safetensors with PyTorch's names: what rnntop writes reads back the same,
/// a session started from a file holds its values, and every kind of bad file is refused
/// with the file's and the tensor's names instead of a trap.
@Suite struct SafetensorsTests {
    static let lstm = ModelConfig(cell: .lstm, inputSize: 2, hiddenSize: 3, layers: 2, outputSize: 1)

    /// A file for `config` whose values count up from `start`, so every tensor differs.
    static func file(_ config: ModelConfig, start: Float = 0) -> SafetensorsFile {
        let layout = ParameterLayout(config: config)
        let values = (0..<layout.totalCount).map { start + Float($0) / 64 }
        return PyTorchWeights.file(config: config, layout: layout, parameters: values)
    }

    /// The bytes of a file with one tensor, its header as given.
    static func bytes(header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data
    }

    static func refusal(_ bytes: [UInt8]) -> String {
        do {
            _ = try SafetensorsFile.parse(bytes, path: "w.safetensors")
            return "read"
        } catch {
            return error.description
        }
    }

    @Test func whatIsWrittenReadsBackWithPyTorchsNamesAndShapes() throws {
        let file = Self.file(Self.lstm)
        let bytes = file.bytes()
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(headerLength % 8 == 0, "the header is padded as safetensors pads it")
        #expect(try SafetensorsFile.parse(bytes, path: "w.safetensors") == file)
        #expect(file.tensors["rnn.weight_ih_l0"]?.shape == [12, 2] && file.tensors["rnn.weight_hh_l1"]?.shape == [12, 3])
        #expect(file.tensors["head.weight"]?.shape == [1, 3] && file.tensors["head.bias"]?.shape == [1])
        #expect(file.metadata["cell"] == "lstm" && file.metadata["activation"] == "tanh")
        let shape = try PyTorchWeights.shape(of: file, path: "w.safetensors")
        #expect(shape == PyTorchWeights.Shape(cell: .lstm, hiddenSize: 3, layers: 2, activation: .tanh))
        let values = try PyTorchWeights.parameters(from: file, path: "w.safetensors", for: Self.lstm)
        #expect(values == (0..<values.count).map { Float($0) / 64 })
    }

    /// The min cells have no W_hh: their file is read by the first layer's input
    /// weights and the width the layer above (or the head) reads.
    @Test(arguments: [(CellKind.minGRU, 1), (.minLSTM, 2)])
    func aMinCellsShapeIsReadWithoutARecurrentMatrix(_ cell: CellKind, _ layers: Int) throws {
        let config = ModelConfig(cell: cell, inputSize: 2, hiddenSize: 5, layers: layers)
        let file = Self.file(config)
        #expect(file.tensors["rnn.weight_hh_l0"] == nil && file.tensors["rnn.weight_ih_l0"]?.shape == [cell.gateCount * 5, 2])
        let shape = try PyTorchWeights.shape(of: file, path: "w.safetensors")
        #expect(shape == PyTorchWeights.Shape(cell: cell, hiddenSize: 5, layers: layers, activation: nil))
        #expect(try PyTorchWeights.parameters(from: file, path: "w.safetensors", for: config).count == ParameterLayout(config: config).totalCount)
        var odd = file
        odd.tensors["rnn.weight_ih_l0"] = SafetensorsFile.Tensor(shape: [7, 2], values: Array(repeating: 0, count: 14))
        #expect(throws: InputError.self) { try PyTorchWeights.shape(of: odd, path: "w") }
    }

    @Test func aSessionStartsFromTheFilesWeightsAndSavesThemUnchanged() throws {
        let folder = try RunLogTests.folder()
        let input = Self.file(ModelConfig(cell: .gru, inputSize: 1, hiddenSize: 8, outputSize: 1), start: -1)
        var options = SessionOptions(startPaused: true)
        options.initialWeights = input
        let settings = Runs.sine { $0.initialWeightsPath = "in.safetensors" }
        let session = try Session(settings: settings, options: options)
        let out = folder.appendingPathComponent("out.safetensors").path
        session.send(.saveWeights(path: out))
        session.send(.quit)
        session.start()
        let end = session.wait()
        #expect(end.snapshot.step == 0)
        #expect(try SafetensorsFile.read(out).tensors == input.tensors)
        #expect(Runs.event(end.snapshot, "weights")?.newValue == out)

        // Without a path, the command is refused and says where the path comes from.
        let plain = try Runs.paused(Runs.sine())
        plain.send(.saveWeights(path: nil))
        let refused = Runs.wait(for: plain) { Runs.event($0, "weights") != nil }
        #expect(Runs.event(refused, "weights")?.applied == false)
        #expect(Runs.event(refused, "weights")?.message.contains("--save-weights PATH") == true)
        plain.send(.quit)
        _ = plain.wait()
    }

    @Test func weightsThatDoNotFitTheModelAreRefusedByName() throws {
        var file = Self.file(Self.lstm)
        file.tensors["rnn.bias_hh_l1"] = nil
        #expect(throws: InputError(file: "w", problem: "tensor 'rnn.bias_hh_l1' is missing: an LSTM(3) of 2 layers on 2 inputs with a Dense(1) head needs it, of shape [12]")) {
            try PyTorchWeights.parameters(from: file, path: "w", for: Self.lstm)
        }
        var wider = Self.lstm
        wider.inputSize = 3
        #expect(throws: InputError(file: "w", problem: "tensor 'rnn.weight_ih_l0' has shape [12, 2]; an LSTM(3) of 2 layers on 3 inputs with a Dense(1) head needs [12, 3]")) {
            try PyTorchWeights.parameters(from: Self.file(Self.lstm), path: "w", for: wider)
        }
        var extra = Self.file(Self.lstm)
        extra.tensors["embedding.weight"] = SafetensorsFile.Tensor(shape: [2], values: [1, 2])
        #expect(throws: InputError(file: "w", problem: "tensor 'embedding.weight' has no place in an LSTM(3) of 2 layers on 2 inputs with a Dense(1) head")) {
            try PyTorchWeights.parameters(from: extra, path: "w", for: Self.lstm)
        }
        var odd = Self.file(Self.lstm)
        odd.tensors["rnn.weight_hh_l0"] = SafetensorsFile.Tensor(shape: [6, 3], values: Array(repeating: 0, count: 18))
        #expect(throws: InputError.self) { try PyTorchWeights.shape(of: odd, path: "w") }
        #expect(throws: InputError.self) { try PyTorchWeights.shape(of: SafetensorsFile(tensors: [:]), path: "w") }
    }

    @Test func filesThatAreNotSafetensorsAreRefusedWithoutATrap() {
        let float = [UInt8](repeating: 0, count: 4)
        let cases: [([UInt8], String)] = [
            ([1, 2, 3], "w.safetensors: is not a safetensors file: 3 bytes, fewer than the 8 of its header's length"),
            ([UInt8](repeating: 0xFF, count: 16), "w.safetensors: is not a safetensors file: a header of 18446744073709551615 bytes does not fit the file's 16"),
            (Array("{\"type\":\"run\",\"schema\":1}\n".utf8), "is not a safetensors file: a header of"),
            (Self.bytes(header: "[1, 2]"), "is not a safetensors file: its header is not a JSON object"),
            (Self.bytes(header: #"{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: float + float), "tensor 'w' is F64; rnntop reads F32"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: float), "tensor 'w' has shape [2], larger than the file"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: float), "tensor 'w' has data_offsets [4, 8] outside the file's 4 bytes of data"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,0]}}"#, data: float), "tensor 'w' has shape [1], which needs 4 bytes, but its data_offsets hold 0"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: float), "tensor 'w' has a shape that is not a list of sizes"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[1e300,1e300],"data_offsets":[0,4]}}"#, data: float), "tensor 'w' has a shape that is not a list of sizes"),
            (Self.bytes(header: #"{"w":{"dtype":"F32","shape":[4000000000000000,4000000000000000],"data_offsets":[0,4]}}"#, data: float), "tensor 'w' has shape [4000000000000000, 4000000000000000], larger than the file"),
            (Self.bytes(header: #"{"w":{"shape":[1]}}"#, data: float), "tensor 'w' needs \"dtype\", \"shape\" and \"data_offsets\""),
            (Self.bytes(header: #"{"__metadata__":{"cell":4}}"#), "field '__metadata__': is not an object of strings"),
        ]
        for (bytes, message) in cases {
            let said = Self.refusal(bytes)
            #expect(said.hasPrefix("w.safetensors: ") && said.contains(message), "\(said)")
        }
    }

    /// The tensors' bytes tile the data exactly, as the safetensors library requires:
    /// two tensors on the same bytes, a gap, or bytes after the last are refused.
    @Test func tensorsMustTileTheDataExactly() {
        let float = [UInt8](repeating: 0, count: 4)
        let cases: [([UInt8], String)] = [
            (Self.bytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: float),
             "has data_offsets that overlap tensor 'a''s bytes"),
            (Self.bytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: float + float), "bytes 0 to 4 of the data belong to no tensor (before 'a')"),
            (Self.bytes(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: float + float), "has 4 bytes after its last tensor's data"),
        ]
        for (bytes, message) in cases {
            let said = Self.refusal(bytes)
            #expect(said.contains(message), "\(said)")
        }
        #expect(Self.refusal(Self.file(Self.lstm).bytes()) == "read", "rnntop's own files tile their data")
    }

    /// What the metadata says is checked too: an activation rnntop does not train is
    /// named, not trained as tanh; weights to start from must be finite.
    @Test func anUnknownActivationOrANonFiniteWeightIsNamed() throws {
        var file = Self.file(Self.lstm)
        file.metadata["activation"] = "sigmoid"
        #expect(throws: InputError(
            file: "w.safetensors", field: "activation", problem: "'sigmoid' in the metadata is not an activation rnntop trains (tanh, relu)")) {
            _ = try PyTorchWeights.shape(of: file, path: "w.safetensors")
        }
        var broken = Self.file(Self.lstm)
        let values = broken.tensors["rnn.bias_hh_l1"]!.values
        broken.tensors["rnn.bias_hh_l1"] = .init(shape: [12], values: values.enumerated().map { $0.offset == 5 ? .nan : $0.element })
        #expect(throws: InputError(
            file: "w.safetensors", problem: "tensor 'rnn.bias_hh_l1' holds nan at index 5: weights to start from must be finite")) {
            try PyTorchWeights.checkFinite(broken, path: "w.safetensors")
        }
    }
}
