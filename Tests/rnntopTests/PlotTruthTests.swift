import Foundation
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// `rnntop plot` tells what the dashboard tells: the runs of a comparison in its
/// order and the dashboard's colours however the logs are listed; all runs'
/// gradient profiles on one y range; a profile from before the run's end says its
/// step and is dim once old; the baseline's label covers no loss line.
@Suite struct PlotTruthTests {
    typealias Point = (x: Double, y: Double)

    /// The dashboard's colours for the runs of a comparison, first to last.
    static let palette = RunPalette(theme: DashboardThemes.standard, context: .full)

    /// The picture `rnntop plot` draws of `logs`.
    static func plot(_ logs: [String], _ options: [String] = []) throws -> String {
        let output = URL(fileURLWithPath: logs[0]).deletingLastPathComponent().appendingPathComponent("plot.svg").path
        let outcome = try CommandRunner.run(["plot"] + logs + ["-o", output] + options)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// A log of `steps` steps with the given losses, a baseline, and gradient profiles
    /// (one layer each) at the given steps.
    static func log(
        named name: String, steps: Int, baseline: Double = 1, loss: (Int) -> Double = { _ in 0.5 }, profiles: [(step: Int, norms: [Double])]
    ) throws -> String {
        var lines = [
            #"{"type":"run","schema":1,"program":"test","name":"\#(name)","model":{"cell":"lstm","hidden":8},"#
                + #""task":{"summary":"a test","baseline":{"loss":\#(baseline),"predictor":"a guess"}}}"#
        ]
        for step in 1...steps { lines.append(#"{"type":"step","step":\#(step),"loss":\#(loss(step))}"#) }
        for profile in profiles {
            lines.append(#"{"type":"grad_profile","step":\#(profile.step),"layers":[[\#(profile.norms.map { "\($0)" }.joined(separator: ","))]]}"#)
        }
        return try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "\(name).jsonl")
    }

    /// `count` norms from `first` to `last`, evenly on a log scale.
    static func profile(from first: Double, to last: Double, count: Int = 20) -> [Double] {
        (0..<count).map { first * pow(last / first, Double($0) / Double(count - 1)) }
    }

    static func points(_ element: [String: String]) -> [Point] {
        (element["points"] ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    /// The text elements whose content starts with `prefix`, with their attributes and content.
    static func texts(startingWith prefix: String, in svg: String) -> [(attributes: [String: String], content: String)] {
        let pattern = try! NSRegularExpression(pattern: "<text ([^>]*)>([^<]*)</text>")
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { match in
            let content = String(svg[Range(match.range(at: 2), in: svg)!])
            guard content.hasPrefix(prefix) else { return nil }
            let attributes = PlotCommandTests.elements("text", in: "<text " + String(svg[Range(match.range(at: 1), in: svg)!]) + ">")
            return (attributes.first ?? [:], content)
        }
    }

    @Test func twoRunsProfilesShareOneYRange() throws {
        // A healthy profile spanning 2e-3..3e-3 and a vanishing one 1e-9..2e-3.
        let healthy = try Self.log(named: "healthy", steps: 100, profiles: [(100, Self.profile(from: 2e-3, to: 3e-3))])
        let vanishing = try Self.log(named: "vanishing", steps: 100, profiles: [(100, Self.profile(from: 1e-9, to: 2e-3))])
        let svg = try Self.plot([healthy, vanishing])
        let frames = PlotCommandTests.elements("rect", in: svg).filter { $0["fill"] == "none" }.map { frame in
            (x: Double(frame["x"]!)!, y: Double(frame["y"]!)!, width: Double(frame["width"]!)!, height: Double(frame["height"]!)!)
        }
        // Each profile is a bold 20-point line in its run's panel; its points' heights
        // as fractions of that panel's height.
        let profiles = PlotCommandTests.elements("polyline", in: svg).map(Self.points).filter { $0.count == 20 }
        #expect(profiles.count == 2)
        let heights = try profiles.map { points in
            let start = points[0]
            let frame = try #require(frames.first { ($0.x...$0.x + $0.width).contains(start.x) && ($0.y...$0.y + $0.height).contains(start.y) })
            return points.map { (frame.y + frame.height - $0.y) / frame.height }
        }
        let (flat, steep) = (heights[0], heights[1])
        // 2e-3 is as high in both panels; the healthy profile is nearly flat, the vanishing one spans the panel.
        #expect(abs(flat[0] - steep[19]) < 0.01, "\(flat[0]) vs \(steep[19])")
        #expect(flat[19] - flat[0] < 0.1 && steep[19] - steep[0] > 0.8, "\(flat) \(steep)")
    }

    /// A profile from 1e-35 to 0.1: the axis spans 24 decades below the top, and the
    /// norms under it run along the panel's foot with a note, not into the panel below.
    @Test func normsBelowTheProfilesAxisStayInTheirPanel() throws {
        let deep = try Self.log(named: "deep", steps: 100, profiles: [(100, Self.profile(from: 1e-35, to: 0.1))])
        let svg = try Self.plot([deep])
        let profile = try #require(PlotCommandTests.elements("polyline", in: svg).map(Self.points).first { $0.count == 20 })
        // The panel that holds the profile's last point (0.1, the top of its axis).
        let top = profile[19]
        let frame = try #require(
            PlotCommandTests.elements("rect", in: svg).filter { $0["fill"] == "none" }.first { frame in
                let (x, y) = (Double(frame["x"]!)!, Double(frame["y"]!)!)
                return (x...x + Double(frame["width"]!)!).contains(top.x) && (y...y + Double(frame["height"]!)!).contains(top.y)
            })
        let bottom = Double(frame["y"]!)! + Double(frame["height"]!)!
        #expect(profile.allSatisfy { $0.y <= bottom + 0.01 }, "\(profile.map(\.y)) under \(bottom)")
        #expect(profile.filter { abs($0.y - bottom) < 0.01 }.count >= 5, "the deepest steps along the foot")
        #expect(!Self.texts(startingWith: "↓ below the axis", in: svg).isEmpty)
    }

    @Test func aComparisonsRunsHaveTheDashboardsOrderAndColours() throws {
        let folder = try Fixtures.temporaryFolder()
        let base = folder.appendingPathComponent("run.jsonl").path
        let outcome = try CommandRunner.run(["--task", "sine", "--cell", "rnn,lstm,gru", "--steps", "60", "--headless", "--log", base])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // As a shell lists run.*.jsonl: gru, lstm, rnn.
        let logs = ["gru", "lstm", "rnn"].map { folder.appendingPathComponent("run.\($0).jsonl").path }
        let svg = try Self.plot(logs)

        // The dashboard's colours: of a live comparison (by the run's place in it), and of
        // a replay of the same logs listed the same way (its legend's line samples).
        let feeds = try logs.map { path in (path, try ReplayFeed(reader: try RunLogReader(path: path), following: false)) }
        let runs = try #require(ReplaySet(feeds).runs)
        let screen = DashboardScreen(
            snapshot: runs[0].snapshot, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0, runs: runs
        ).render(width: 120, height: 40)
        for (place, name) in ["rnn", "lstm", "gru"].enumerated() {
            let live = Self.palette.color(place).hex
            #expect(Self.legendColor(of: name, in: screen) == live, "\(name) in the replay")
            let title = try #require(Self.texts(startingWith: "\(name): t1/tT", in: svg).first)
            #expect(title.attributes["fill"] == live, "\(name)'s gradient profile")
        }
        // Each log says its place in the comparison.
        #expect(try logs.map { try PlotCommand.read($0).header.comparison?.run } == [3, 2, 1])
        #expect(Self.palette.color(0).hex == "#6cc6ff", "rnn is blue")
        // The legend in the comparison's order.
        let legend = ["rnn", "lstm", "gru"].map { svg.range(of: ">\($0)</text>")!.lowerBound }
        #expect(legend == legend.sorted())
    }

    /// The colour of the line sample before `name` in a dashboard's legend.
    static func legendColor(of name: String, in buffer: Buffer) -> String? {
        for y in 0..<buffer.height {
            let cells = (0..<buffer.width).map { buffer[$0, y] }
            let text = cells.map { Character($0.character) }
            for x in 3..<(buffer.width - name.count) where String(text[x..<(x + name.count)]) == name {
                guard let sample = (x - 3..<x).last(where: { text[$0] == "━" }), case .rgb(let rgb) = cells[sample].style.foreground else {
                    continue
                }
                return rgb.hex
            }
        }
        return nil
    }

    @Test func aProfileFromBeforeTheEndSaysItsStepAndIsDimOnceOld() throws {
        let vanishing = Self.profile(from: 5e-11, to: 1)
        // The last profile 1,499 steps before the end; another 50 steps before (a thirtieth); one at the end.
        let old = try Self.log(named: "pytorch", steps: 1500, profiles: [(1, vanishing)])
        let recent = try Self.log(named: "recent", steps: 1500, profiles: [(1, vanishing), (1450, vanishing)])
        let current = try Self.log(named: "current", steps: 1500, profiles: [(1500, vanishing)])
        let svg = try Self.plot([old, recent, current])
        let muted = DashboardThemes.standard.muted.hex

        let oldTitle = try #require(Self.texts(startingWith: "pytorch: t1/tT", in: svg).first)
        #expect(oldTitle.content.hasSuffix("vanishing") && oldTitle.attributes["fill"] == muted)
        #expect(Self.texts(startingWith: "at step 1 · 1,499 steps before the end", in: svg).count == 1, "\(svg)")
        let recentTitle = try #require(Self.texts(startingWith: "recent: t1/tT", in: svg).first)
        #expect(recentTitle.attributes["fill"] == Self.palette.color(1).hex)
        #expect(Self.texts(startingWith: "at step 1,450 · 50 steps before the end", in: svg).count == 1)
        // The current profile has no step; the old one's line is drawn faint.
        #expect(Self.texts(startingWith: "at step", in: svg).count == 2)
        let profiles = PlotCommandTests.elements("polyline", in: svg).filter { Self.points($0).count == 20 }
        #expect(profiles.map { $0["stroke-opacity"] ?? "1" } == ["0.45", "1", "1"])

        // Where the picture is small, the step moves into the title.
        let small = try Self.plot([old, recent, current], ["--width", "480", "--height", "320"])
        let steps = Self.texts(startingWith: "", in: small).map(\.content).filter { $0.contains("at step") }
        #expect(steps.count == 2 && steps[0].contains("at step 1:") && steps[1].contains("at step 1,450:"), "\(steps)")
    }

    @Test func aClassifiersAccuracyIsDrawnAgainstChanceUnderItsLoss() throws {
        // Chosen values: accuracy 0.25 for 50 steps, then 0.75; chance 0.125; no
        // smoothing. On a linear axis the first value sits a fifth of the way from
        // chance to the last: (0.25 - 0.125) / (0.75 - 0.125).
        var lines = [
            #"{"type":"run","schema":1,"program":"test","name":"classifier","model":{"cell":"gru","hidden":8},"#
                + #""task":{"summary":"a test","baseline":{"loss":2.08,"predictor":"a guess","accuracy":0.125}}}"#
        ]
        for step in 1...100 { lines.append(#"{"type":"step","step":\#(step),"loss":1.5,"accuracy":\#(step <= 50 ? 0.25 : 0.75)}"#) }
        lines.append(#"{"type":"eval","step":100,"loss":1.4,"accuracy":0.7}"#)
        let classifier = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "classifier.jsonl")
        let svg = try Self.plot([classifier], ["--smoothing", "0"])
        #expect(!Self.texts(startingWith: "training accuracy", in: svg).isEmpty)
        #expect(!Self.texts(startingWith: "chance 0.125", in: svg).isEmpty)
        // The last dashed line across the plot's width: the chance line.
        let across = try NSRegularExpression(pattern: #"<line x1="64" y1="([0-9.]+)" x2="[0-9.]+" y2="\1"[^>]*stroke-dasharray="6 4""#)
        let match = try #require(across.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).last)
        let chanceY = try #require(Double(svg[Range(match.range(at: 1), in: svg)!]))
        let accuracy = try #require(PlotCommandTests.elements("polyline", in: svg).filter { $0["stroke-width"] == "2" }.last.map(Self.points))
        let (first, last) = (accuracy.first!.y, accuracy.last!.y)
        #expect(abs((chanceY - first) / (chanceY - last) - 0.2) < 0.01, "chance at \(chanceY), first \(first), last \(last)")
        // A regression's plot has no accuracy panel.
        let regression = try Self.plot([try Self.log(named: "regression", steps: 20, profiles: [])])
        #expect(Self.texts(startingWith: "training accuracy", in: regression).isEmpty)
    }

    @Test func theBaselinesLabelCoversNoLossLine() throws {
        // A loss that falls to the baseline and wavers about it to the end: the
        // label's old place, at the right end just above the line, is on the curve.
        let sitting = try Self.log(
            named: "sitting", steps: 300, baseline: 0.5,
            loss: { step in step < 150 ? 0.8 - 0.3 * Double(step) / 150 : 0.5 + 0.05 * sin(Double(step) / 4) }, profiles: [])
        for size in [["--width", "960", "--height", "600"], ["--width", "480", "--height", "320"]] {
            let svg = try Self.plot([sitting], size)
            let label = try #require(Self.texts(startingWith: "baseline 0.5", in: svg).first)
            let (x, y, fontSize) = (Double(label.attributes["x"]!)!, Double(label.attributes["y"]!)!, Double(label.attributes["font-size"]!)!)
            #expect(label.attributes["text-anchor"] == "end")
            // DejaVu Sans's digits and letters are at most 0.65 em wide; ascenders 0.76 em high.
            let box = (left: x - Double(label.content.count) * fontSize * 0.65, right: x, top: y - fontSize * 0.8, bottom: y + fontSize * 0.25)
            let losses = PlotCommandTests.elements("polyline", in: svg).filter { $0["stroke-width"] == "2" }.map(Self.points)
            #expect(!losses.isEmpty)
            for line in losses {
                for (a, b) in zip(line, line.dropFirst()) {
                    // Along the segment every half pixel: no point inside the label's box.
                    let count = Int(max(abs(b.x - a.x), abs(b.y - a.y)) * 2) + 1
                    let inside = (0...count).contains { i in
                        let t = Double(i) / Double(count)
                        let (px, py) = (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                        return (box.left...box.right).contains(px) && (box.top...box.bottom).contains(py)
                    }
                    #expect(!inside, "\(size): the label at (\(x), \(y)) covers the loss from \(a) to \(b)")
                    if inside { return }
                }
            }
        }
    }
}
