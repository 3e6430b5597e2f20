import Foundation
import TestSupport
import Testing

@testable import rnntop

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `rnntop plot` as a user meets it: the SVG of two runs has a line per run in its
/// own colour, both names in the legend and the shared baseline once; a log written
/// by another program plots, its text escaped; bad input exits with status 2 naming
/// the file and writes nothing.
@Suite struct PlotCommandTests {
    /// The SVG's elements of one kind, each as its attributes.
    static func elements(_ name: String, in svg: String) -> [[String: String]] {
        let pattern = try! NSRegularExpression(pattern: "<\(name) ([^>]*?)/?>")
        let attribute = try! NSRegularExpression(pattern: "([a-z-]+)=\"([^\"]*)\"")
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { match in
            let text = String(svg[Range(match.range(at: 1), in: svg)!])
            var attributes: [String: String] = [:]
            for pair in attribute.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                attributes[String(text[Range(pair.range(at: 1), in: text)!])] = String(text[Range(pair.range(at: 2), in: text)!])
            }
            return attributes
        }
    }

    /// Whether the file is well-formed XML.
    static func parses(_ svg: String) -> Bool {
        XMLParser(data: Data(svg.utf8)).parse()
    }

    /// A short headless run's log.
    static func log(_ arguments: [String], in folder: URL, named name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "200", "--headless", "--log", path] + arguments)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return path
    }

    @Test func twoRunsAreTwoColouredLinesWithTheirNamesAndTheSharedBaseline() throws {
        let folder = try Fixtures.temporaryFolder()
        let rnn = try Self.log(["--cell", "rnn"], in: folder, named: "rnn.jsonl")
        let lstm = try Self.log(["--cell", "lstm"], in: folder, named: "lstm.jsonl")
        let output = folder.appendingPathComponent("runs.svg").path
        let outcome = try CommandRunner.run(["plot", rnn, lstm, "-o", output])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        #expect(Self.parses(svg))
        #expect(svg.contains("width=\"960\" height=\"600\""))

        // The smoothed losses: bold lines in the default theme's first two run colours.
        let lines = Self.elements("polyline", in: svg).filter { $0["stroke-width"] == "2" }
        let lossColours = Set(lines.compactMap { $0["stroke"] })
        #expect(lossColours == ["#6cc6ff", "#ff9e5e"], "\(lossColours)")
        // Each a long curve across the panel, inside the picture but for its first
        // steps' large loss, beyond the axis's top (cut at the panel's frame).
        for colour in lossColours {
            let points = lines.filter { $0["stroke"] == colour }.flatMap { ($0["points"] ?? "").split(separator: " ") }
                .map { $0.split(separator: ",").compactMap { Double($0) } }
            #expect(points.count > 50)
            #expect(points.allSatisfy { $0.count == 2 && (0...960).contains($0[0]) })
            #expect(points.filter { (0...600).contains($0[1]) }.count >= points.count * 9 / 10)
            let xs = points.map { $0[0] }
            #expect(xs.max()! - xs.min()! > 400)
        }
        // The raw loss as faint bands in the same colours.
        #expect(Set(Self.elements("polygon", in: svg).compactMap { $0["fill"] }) == lossColours)
        // Both names in the legend, each with a final loss; both gradient profiles.
        #expect(svg.contains(">rnn</text>") && svg.contains(">lstm</text>"))
        #expect(svg.components(separatedBy: "rnn: t1/tT").count == 2 && svg.components(separatedBy: "lstm: t1/tT").count == 2)
        // The sine task's baseline, shared: one dashed line in the baseline colour.
        let baselines = Self.elements("line", in: svg).filter { $0["stroke-dasharray"] == "6 4" }
        #expect(baselines.count == 1 && baselines.first?["stroke"] == "#b0b0b0", "\(baselines)")
        #expect(svg.components(separatedBy: ">baseline ").count == 2)
        // The step axis is labelled with round numbers up to the run's 200 steps.
        #expect(svg.contains(">200</text>") && svg.contains(">100</text>"))
        #expect(outcome.standardError.contains("2 runs plotted"))

        // In mono, greys on white, the runs told apart by their dashes too.
        let mono = try CommandRunner.run(["plot", rnn, lstm, "-o", output, "--theme", "mono"])
        #expect(mono.status == 0, "\(mono.standardError)")
        let monoLines = Self.elements("polyline", in: try String(contentsOfFile: output, encoding: .utf8)).filter { $0["stroke-width"] == "2" }
        #expect(Set(monoLines.map { $0["stroke-dasharray"] ?? "solid" }) == ["solid", "8 4"])
        #expect(Set(monoLines.compactMap { $0["stroke"] }) == ["#000000", "#444444"])
    }

    /// A first loss a thousand times the rest does not flatten the curve: the loss axis
    /// leaves out the highest and lowest 1% of points, and what lies beyond is cut at
    /// the panel's frame instead of drawn over the axes.
    @Test func oneHugeLossDoesNotFlattenTheCurve() throws {
        var lines = [#"{"type":"run","schema":1,"model":{"cell":"lstm","hidden":8}}"#, #"{"type":"step","step":1,"loss":1000}"#]
        for step in 2...300 { lines.append(#"{"type":"step","step":\#(step),"loss":\#(0.1 + 0.1 * Double(step % 7) / 7)}"#) }
        let path = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "spike.jsonl")
        let output = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("spike.svg").path
        let outcome = try CommandRunner.run(["plot", path, "-o", output])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        #expect(Self.parses(svg) && svg.contains("<clipPath id=\"clip1\">"))
        // The y axis's labels span the loss's range (0.1 to 0.19), not 0 to 1000.
        #expect(svg.contains(">0.1</text>") && svg.contains(">0.15</text>"), "\(svg.prefix(3000))")
        #expect(!svg.contains(">1000</text>") && !svg.contains(">500</text>"))
    }

    @Test func aLogFromAnotherProgramPlotsUnderItsOwnNameEscaped() throws {
        let log = """
            {"type":"run","schema":1,"program":"my-trainer 2.1","name":"gru <b> & \\u001b[31m","model":{"cell":"gru","hidden":32},"task":{"summary":"my series","baseline":{"loss":0.9,"predictor":"persistence"}}}
            {"type":"step","step":1,"loss":0.95,"lr":0.001}
            {"type":"step","step":2,"loss":0.91,"lr":0.001}
            {"type":"step","step":3,"loss":"Infinity","lr":0.001}
            {"type":"eval","step":2,"loss":0.93}
            {"type":"end","reason":"diverged","step":3}

            """
        let path = try Fixtures.write(log, named: "mine.jsonl")
        let output = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("mine.svg").path
        let outcome = try CommandRunner.run(["plot", path, "-o", output, "--theme", "mono", "--log-scale", "--width", "640", "--height", "400"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        #expect(Self.parses(svg))
        #expect(svg.contains(">gru &lt;b&gt; &amp; \\u{1B}[31m</text>") && !svg.contains("\u{1B}"))
        #expect(svg.contains("no gradient profile") && svg.contains(">NaN</text>"))
        // Mono: black on white; the one validation point; the log's baseline.
        #expect(svg.contains("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"))
        #expect(Self.elements("circle", in: svg).count == 1)
        #expect(svg.contains(">baseline 0.9</text>"))
    }

    @Test func badInputExitsWithStatusTwoNamingTheFile() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = folder.appendingPathComponent("out.svg").path
        let header = #"{"type":"run","schema":1,"program":"x","model":{"cell":"gru","hidden":4}}"#
        let cases: [(file: String, contents: String?, says: String)] = [
            ("missing.jsonl", nil, "no such file"),
            ("notes.txt", "hello\n", "not a run log"),
            ("empty-run.jsonl", header + "\n", "has no step records"),
            ("broken.jsonl", header + "\n{\"type\":\"step\",\"step\":1,\"loss\":1}\n{oops\n", "line 3"),
        ]
        for item in cases {
            let path = folder.appendingPathComponent(item.file).path
            if let contents = item.contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) }
            let outcome = try CommandRunner.run(["plot", path, "-o", output])
            #expect(outcome.status == 2, "\(item.file): \(outcome.standardError)")
            #expect(outcome.standardError.contains(path) && outcome.standardError.contains(item.says), "\(outcome.standardError)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
        let good = folder.appendingPathComponent("good.jsonl").path
        try Data((header + "\n{\"type\":\"step\",\"step\":1,\"loss\":1}\n").utf8).write(to: URL(fileURLWithPath: good))
        let unwritable = folder.appendingPathComponent("no-such-folder/out.svg").path
        let outcome = try CommandRunner.run(["plot", good, "-o", unwritable])
        #expect(outcome.status == 2 && outcome.standardError.contains(unwritable), "\(outcome.standardError)")
        let theme = try CommandRunner.run(["plot", good, "-o", output, "--theme", "solarised"])
        #expect(theme.status == 2 && theme.standardError.contains("no theme named 'solarised'"))
        let smoothing = try CommandRunner.run(["plot", good, "-o", output, "--smoothing", "1"])
        #expect(smoothing.status == 2 && smoothing.standardError.contains("--smoothing"))
        // Replay's limit and colours: a ninth run would take the first's colour.
        let nine = try CommandRunner.run(["plot"] + Array(repeating: good, count: 9) + ["-o", output])
        #expect(nine.status == 2 && nine.standardError.contains("9 logs; a plot overlays at most 8"), "\(nine.standardError)")
    }

    @Test func axesHaveRoundDistinctTicksAndTextIsEscaped() throws {
        // A log scale over several decades ticks at the decades; over less than one, at round values.
        let decades = try #require(PlotScale(spanning: [2e-5, 0.3], start: 500, end: 0, logarithmic: true))
        #expect(decades.ticks(count: 8).map(\.label) == ["1e-4", "1e-3", "1e-2", "1e-1"])
        let narrow = try #require(PlotScale(spanning: [0.91, 0.95], start: 500, end: 0, logarithmic: true))
        let labels = narrow.ticks(count: 5).map(\.label)
        #expect(labels.count >= 2 && Set(labels).count == labels.count, "\(labels)")
        // NaN, infinities and (on a log scale) zero are left out of the range and not drawn.
        let scale = try #require(PlotScale(spanning: [.nan, 1, .infinity, 0, 3], start: 0, end: 100, logarithmic: true))
        #expect(scale.pixel(0) == nil && scale.pixel(.nan) == nil && scale.pixel(3)! > scale.pixel(1)!)
        #expect(PlotScale(spanning: [.nan, -.infinity], start: 0, end: 100, logarithmic: false) == nil)
        #expect(SVGDocument.escape("a<b & \"c\" \u{7}") == "a&lt;b &amp; &quot;c&quot; \\u{7}")
        #expect(SVGDocument.number(12.0) == "12" && SVGDocument.number(3.14159) == "3.1")
    }
}
