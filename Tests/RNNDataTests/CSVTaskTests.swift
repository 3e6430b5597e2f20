import Foundation
import TestSupport
import Testing

@testable import RNNCore
@testable import RNNData

/// CSV series: parsing what real files contain, refusing what cannot be used with
/// the file, line and column named, and forecasting a real series.
@Suite struct CSVTaskTests {
    func task(_ csv: String, columns: [String] = [], steps: Int = 3, split: Double = 0.25, fill: FillMethod? = nil)
        throws -> any TrainingTask
    {
        let path = try Fixtures.write(csv, named: "series.csv")
        var generator = RandomGenerator(seed: 1)
        return try makeTask(
            TaskOptions(kind: .csv, dataPath: path, columns: columns, sequenceLength: steps, validationSplit: split, fill: fill),
            generator: &generator)
    }

    func refusal(_ csv: String, columns: [String] = [], steps: Int = 3, fill: FillMethod? = nil) -> String {
        do {
            _ = try task(csv, columns: columns, steps: steps, fill: fill)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    static let series = (1...12).map { "\(2000 + $0),\($0 * $0)" }.joined(separator: "\n")

    @Test func quotedHeaderBOMAndCRLFAreRead() throws {
        let text = "\u{FEFF}\"year\",\"value, in units\"\r\n" + Self.series.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        let t = try task(text)
        #expect(t.shape.inputSize == 1 && t.shape.outputSize == 1)
        #expect(t.summary.contains("value, in units"), "the quoted header keeps its comma: \(t.summary)")
        #expect(t.warnings.contains { $0.contains("year") }, "the year column is noted as not modelled")
        #expect(t.validation[0].size == 3, "12 rows, 9 for training, targets in the last 3")
    }

    @Test func windowsAreZScoredOnTheTrainingRowsOnly() throws {
        let t = try task("a\n" + (1...12).map { "\($0)" }.joined(separator: "\n"))
        let training = (1...9).map(Double.init)
        let mean = training.reduce(0, +) / 9
        let deviation = (training.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 9).squareRoot()
        guard case .values(let targets) = t.validation[0].targets else { return }
        #expect(abs(Double(targets[0]) - (10 - mean) / deviation) < 1e-6, "the first validation target is row 10")
        #expect(abs(t.baseline.loss - pow(1 / deviation, 2)) < 1e-6, "persistence is off by one step each time")
    }

    @Test func columnsByNameOrIndexMakeAMultivariateModel() throws {
        let text = "t,a,b\n" + (0..<12).map { "\($0),\($0),\(2 * $0)" }.joined(separator: "\n")
        let t = try task(text, columns: ["b", "1"])
        #expect(t.shape.inputSize == 2 && t.shape.outputSize == 2)
        #expect(t.summary.contains("b, a"))
    }

    @Test func gapsAreRefusedUnlessFilled() throws {
        var rows = (1...12).map { "\($0)" }
        rows[4] = "NA"
        rows[5] = ""
        let text = "x\n" + rows.joined(separator: "\n")
        #expect(refusal(text).contains("series.csv: line 6: field 'x': missing value ('NA'); --fill previous or --fill linear"))
        let linear = try task(text, fill: .linear), previous = try task(text, fill: .previous)
        // Rows 5 and 6 lie between 4 and 7: linear gives 5, 6; previous gives 4, 4.
        func firstWindow(_ t: any TrainingTask) -> [Float] {
            var g = RandomGenerator(seed: 9)
            _ = t.nextBatch(size: 6, generator: &g)
            return t.batch.inputs
        }
        #expect(firstWindow(linear) != firstWindow(previous))
    }

    @Test func badFilesAreRefusedWithFileLineAndColumn() throws {
        #expect(refusal("a,b\n1,2\n3,x\n4,5\n6,7\n8,9\n10,11\n12,13", columns: ["b"]).contains("line 3: field 'b': 'x' is not a number"))
        #expect(refusal("year,value\n").contains("has a header but no data rows"))
        #expect(refusal("").contains("is empty"))
        #expect(refusal(Self.series, columns: ["rain"]).contains("field 'rain': no such column; the columns are 0: column 0, 1: column 1"))
        #expect(refusal("a\n1\n2\n3").contains("too few for windows of 3 steps"))
        #expect(refusal("a,b\n1,2\n3\n").contains("line 3: has 1 fields where the header has 2"))
        #expect(refusal("name\nalice\nbob").contains("has no numeric column"))
        let escape = "a\n" + (1...30).map { "\($0)" }.joined(separator: "\n") + "\n\u{1B}[31m\n"
        #expect(refusal(escape, columns: ["a"]).contains("line 32: field 'a': '\\u{1B}[31m' is not a number"), "control characters are escaped")
        var generator = RandomGenerator(seed: 1)
        #expect(throws: InputError(file: "/no/such.csv", problem: "no such file")) {
            _ = try makeTask(TaskOptions(kind: .csv, dataPath: "/no/such.csv"), generator: &generator)
        }
        let binary = try Fixtures.temporaryFolder().appendingPathComponent("data.bin")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]).write(to: binary)
        #expect(throws: InputError(file: binary.path, problem: "looks like a binary file, not CSV text")) {
            _ = try makeTask(TaskOptions(kind: .csv, dataPath: binary.path), generator: &generator)
        }
        #expect(throws: ConfigError.self) { _ = try task(Self.series, steps: 0) }
    }

    /// A bad cell in the column that would be modelled is named; another column is
    /// not modelled in its place without a word.
    @Test func aBadCellInTheLastColumnIsNamedNotSkipped() throws {
        func series(last cell: String) -> String {
            "day,temperature\n" + (1...12).map { "\($0),\($0 == 5 ? cell : "\(10 + $0)")" }.joined(separator: "\n")
        }
        #expect(refusal(series(last: "warm")).hasSuffix("line 6: field 'temperature': 'warm' is not a number"), "\(refusal(series(last: "warm")))")
        #expect(refusal(series(last: "inf")).hasSuffix("line 6: field 'temperature': 'inf' is out of range: a finite number is needed"))
        #expect(refusal(series(last: "1e400")).hasSuffix("line 6: field 'temperature': '1e400' is out of range: a finite number is needed"))
        #expect(refusal(series(last: "-1e309"), columns: ["temperature"]).contains("'-1e309' is out of range"))
        #expect(refusal(series(last: "1e308")).contains("field 'temperature': values too large to normalise"))
        #expect(try task(series(last: "15")).summary.hasPrefix("csv: temperature"))
    }

    @Test func sunspotForecastsBeatPersistence() throws {
        var generator = RandomGenerator(seed: 1)
        let t = try makeTask(TaskOptions(kind: .csv, dataPath: Fixtures.data("sunspots.csv")), generator: &generator)
        #expect(t.summary.contains("SUNACTIVITY") && t.summary.contains("309 rows"))
        #expect(t.warnings.contains { $0.contains("YEAR") })
        let result = try TaskTraining.validationLoss(after: 1500, on: t)
        #expect(result.validation < 0.75 * t.baseline.loss, "validation \(result.validation) vs persistence \(t.baseline.loss)")
    }
}
