import Foundation
import RNNCore
import RNNData

/// The parts of a run record that are rnntop's own Codable types (the model, the
/// settings, the baseline), decoded straight from the line's bytes. Each is decoded
/// on its own: one that another program spells differently is left out, and shows
/// as unknown, rather than refusing the whole log.
struct RunRecordParts: Decodable {
    var model: ModelConfig?
    /// The settings in their documented shape...
    var settingsRecord: SettingsRecord?
    /// ...or in the derived coding rnntop 0.7 wrote.
    var settings: RunSettings?
    var baseline: Baseline?

    private enum Keys: String, CodingKey { case model, settings, task }
    private enum TaskKeys: String, CodingKey { case baseline }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: Keys.self)
        model = try? keys.decodeIfPresent(ModelConfig.self, forKey: .model)
        settingsRecord = try? keys.decodeIfPresent(SettingsRecord.self, forKey: .settings)
        settings = try? keys.decodeIfPresent(RunSettings.self, forKey: .settings)
        let task = try? keys.nestedContainer(keyedBy: TaskKeys.self, forKey: .task)
        baseline = try? task?.decodeIfPresent(Baseline.self, forKey: .baseline)
    }

    /// Nothing decoded: a line the decoder cannot read as an object.
    init() {}
}

/// A model event's new model, decoded straight from the line's bytes.
struct ModelEventPart: Decodable {
    var model: ModelConfig?

    private enum Keys: String, CodingKey { case model }

    init(from decoder: any Decoder) throws {
        model = try decoder.container(keyedBy: Keys.self).decodeIfPresent(ModelConfig.self, forKey: .model)
    }
}

extension RunLogReader {
    /// `type` from a record's bytes, with the strings the writer uses for the numbers
    /// JSON lacks ("NaN", "Infinity", "-Infinity").
    static func decode<T: Decodable>(_ type: T.Type, fromLine line: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(T.self, from: line)
    }
}
