import Foundation
import TestSupport
import Testing
import Training

/// The key w on the dashboard writes the weights while training goes on.
@Suite(.serialized) struct WeightsKeyTmuxTests {
    @Test func theKeyWWritesTheWeights() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("live.safetensors").path
        let tmux = try Tmux(["--task", "sine", "--steps", "10000000", "--save-weights", path], width: 80, height: 24)
        try tmux.waitForScreen("training") { (Tmux.step($0) ?? 0) > 0 }
        #expect(!FileManager.default.fileExists(atPath: path))
        try tmux.send("w", literal: true)
        try tmux.waitForScreen("the weights written") { $0[22].contains("weights written to") }
        let weights = try SafetensorsFile.read(path)
        #expect(weights.tensors["rnn.weight_hh_l0"] != nil && weights.tensors["head.bias"]?.shape == [1])
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }
}
