import Foundation
import Testing

@testable import Training

/// A comparison's run keeps its place in its log, and the logs of a whole comparison
/// are shown in its order however they are listed; anything else keeps the order given.
@Suite struct ComparisonPlaceTests {
    @Test func aWholeComparisonIsPutInItsOrderAndAnythingElseIsLeftAsGiven() {
        let (first, second, third) = (ComparisonPlace(run: 1, of: 3), ComparisonPlace(run: 2, of: 3), ComparisonPlace(run: 3, of: 3))
        #expect(ComparisonPlace.order([third, second, first]) == [2, 1, 0], "run.*.jsonl: gru, lstm, rnn")
        #expect(ComparisonPlace.order([third, first]) == [1, 0], "two of its runs")
        #expect(ComparisonPlace.order([second, nil, first]) == [0, 1, 2], "a log that was no comparison's")
        #expect(ComparisonPlace.order([second, second]) == [0, 1], "two comparisons' second runs")
        #expect(ComparisonPlace.order([ComparisonPlace(run: 2, of: 2), first]) == [0, 1], "runs of different comparisons")
    }

    @Test func theRunRecordKeepsThePlaceAndAnImpossibleOneIsRefused() throws {
        let record = #"{"type":"run","schema":1,"model":{"cell":"gru","hidden":4},"comparison":"#
        let path = try RunLogTests.folder().appendingPathComponent("log.jsonl").path
        try (record + #"{"run":2,"runs":3}}"# + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RunLogReader(path: path)
        try reader.update()
        #expect(reader.run?.header.comparison == ComparisonPlace(run: 2, of: 3))
        let refusal = try RunLogRangeTests.refusal([record + #"{"run":4,"runs":3}}"#])
        #expect(refusal?.contains("line 1: field 'comparison.run': 4 is out of range (1 to 3)") == true, "\(refusal ?? "read")")
    }
}
