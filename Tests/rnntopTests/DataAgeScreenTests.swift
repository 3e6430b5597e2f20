import Foundation
import RNNCore
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// Nothing on screen is older than it says: a replayed log's gradient profile and
/// probe give their step when it is not the step shown (dim once old), a log that
/// kept one step record in ten still draws every spike in the loss band, and the
/// header says what the training process costs; the plot's band keeps the spikes too.
@Suite struct DataAgeScreenTests {
    static func screen(_ lines: [String], at step: Int? = nil, width: Int = 120, height: Int = 40) throws -> Buffer {
        let path = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "run.jsonl")
        let reader = try RunLogReader(path: path)
        try reader.update()
        let run = try #require(reader.run)
        var view = ViewState()
        view.replay = ViewState.ReplayPosition(step: step ?? run.lastStep, lastStep: run.lastStep, following: false, ended: true)
        return DashboardScreen(snapshot: run.snapshot(at: step ?? run.lastStep), view: view, theme: DashboardThemes.standard, context: .full, now: 0)
            .render(width: width, height: height)
    }

    /// The row and column where `text` starts on screen.
    static func find(_ text: String, in buffer: Buffer) -> (x: Int, y: Int)? {
        for (y, line) in buffer.lines.enumerated() {
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }

    @Test func anOldProfileGivesItsStepAndItsVerdictIsThatSteps() throws {
        let theme = DashboardThemes.standard
        let old = try Self.screen([SyntheticLog.run, SyntheticLog.profile(at: 1, ratio: 1e-10)] + SyntheticLog.steps(spikeAt: nil))
        let title = try #require(Self.find("∂L/∂h_t", in: old))
        let titleLine = old.lines[title.y]
        #expect(titleLine.contains("∂L/∂h_t at step 1 · 1,499 steps ago  t1/tT 1.0e-10 vanishing"), "\(titleLine)")
        #expect(old[title.x, title.y].style.foreground == theme.style(theme.muted).foreground, "a profile 1,499 steps old is dim")

        let recent = try Self.screen([SyntheticLog.run, SyntheticLog.profile(at: 1, ratio: 1e-10), SyntheticLog.profile(at: 1490, ratio: 0.2)] + SyntheticLog.steps(spikeAt: nil))
        let fresh = try #require(Self.find("∂L/∂h_t", in: recent))
        #expect(recent.lines[fresh.y].contains("∂L/∂h_t at step 1,490 · 10 steps ago  t1/tT 0.2000 healthy"), "\(recent.lines[fresh.y])")
        #expect(recent[fresh.x, fresh.y].style == theme.style(theme.title, .bold), "10 steps of 1,500 are not old")

        // At the profile's own step it is simply the profile; at 80 columns the age
        // stays and the ratio goes.
        let atItsStep = try Self.screen([SyntheticLog.run, SyntheticLog.profile(at: 1490, ratio: 0.2)] + SyntheticLog.steps(spikeAt: nil), at: 1490)
        #expect(atItsStep.lines.contains { $0.contains("∂L/∂h_t by step  t1/tT 0.2000 healthy") })
        let narrow = try Self.screen([SyntheticLog.run, SyntheticLog.profile(at: 1, ratio: 1e-10)] + SyntheticLog.steps(spikeAt: nil), width: 80, height: 24)
        #expect(narrow.lines.contains { $0.contains("∂L/∂h_t step 1, 1,499 ago vanishing") }, "\(narrow.lines.joined(separator: "\n"))")
    }

    @Test func aProfileOfPartOfTheBatchSaysOnHowManySequences() throws {
        let part = SyntheticLog.profile(at: 1500, ratio: 0.2).replacingOccurrences(of: "\"layers\"", with: "\"sequences\":4,\"layers\"")
        let lines = [SyntheticLog.run, part] + SyntheticLog.steps(spikeAt: nil)
        let screen = try Self.screen(lines)
        #expect(screen.lines.contains { $0.contains("∂L/∂h_t by step, 4 seq  t1/tT 0.2000 healthy") }, "\(screen.lines.joined(separator: "\n"))")
        let log = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "part.jsonl")
        let svg = try PlotTruthTests.plot([log], ["--width", "2000"])
        #expect(svg.contains("part: t1/tT 0.2000 healthy, on 4 sequences"))
    }

    @Test func aSpikeBetweenTwoKeptRecordsIsInTheBand() throws {
        func upperBandDots(_ buffer: Buffer) throws -> Int {
            // The loss panel's top three plot rows, over the steps past 1,000 (clear
            // of the "1k" label's tick).
            let legend = try #require(Self.find("⣿ raw", in: buffer))
            let axis = try #require(Self.find("1k", in: buffer))
            return (legend.y + 1...legend.y + 3).reduce(0) { count, y in
                count + (axis.x + 4..<buffer.width * 3 / 5 - 1).filter { x in (0x2801...0x28FF).contains(buffer[x, y].character.value) }.count
            }
        }
        let plain = try Self.screen([SyntheticLog.run] + SyntheticLog.steps(spikeAt: nil))
        let spiked = try Self.screen([SyntheticLog.run] + SyntheticLog.steps(spikeAt: 1250))
        #expect(try upperBandDots(plain) == 0, "the kept records' spread stays in the middle")
        #expect(try upperBandDots(spiked) >= 3, "the spike reaches the top:\n\(spiked.lines.prefix(20).joined(separator: "\n"))")
    }

    @Test func aSpikeBetweenTwoKeptRecordsIsInThePlotsBand() throws {
        /// The highest point (smallest y) of the loss band over the steps past 1,000, as
        /// a fraction of the loss panel's height from its bottom.
        func bandTop(_ spike: Int?) throws -> Double {
            let log = try Fixtures.write(([SyntheticLog.run] + SyntheticLog.steps(spikeAt: spike)).joined(separator: "\n") + "\n", named: "run.jsonl")
            let svg = try PlotTruthTests.plot([log])
            let frame = try #require(PlotCommandTests.elements("rect", in: svg).first { $0["fill"] == "none" })
            let (left, top) = (Double(frame["x"]!)!, Double(frame["y"]!)!)
            let (width, height) = (Double(frame["width"]!)!, Double(frame["height"]!)!)
            let band = PlotCommandTests.elements("polygon", in: svg).filter { $0["fill-opacity"] == "0.3" }.flatMap(PlotTruthTests.points)
            // Steps past 1,000 of 1,500: the right third of the panel.
            let late = band.filter { $0.x > left + width * 0.7 && $0.x <= left + width }
            let highest = try #require(late.map(\.y).min())
            return (top + height - highest) / height
        }
        #expect(try bandTop(nil) < 0.8, "the kept records' spread stays below the top")
        #expect(try bandTop(1250) >= 1, "the spike reaches the top of the panel")
    }

    @Test func theHeaderSaysWhatTheProcessCosts() throws {
        var lines = [SyntheticLog.run] + SyntheticLog.steps(spikeAt: nil)
        lines.append(#"{"type":"step","step":1501,"loss":0.5,"cpu_percent":187.4,"rss_bytes":312000000,"device_peak_bytes":1200000000}"#)
        let header = try Self.screen(lines).lines[0]
        #expect(header.contains("cpu 187% 312 MB cuda:0 1.2 GB peak"), "\(header)")
        #expect(!(try Self.screen([SyntheticLog.run] + SyntheticLog.steps(spikeAt: nil)).lines[0].contains("cpu")), "no figures, nothing made up")
        // A log that stopped saying: the figures of a minute before give their step.
        let stale = try Self.screen([
            SyntheticLog.run, #"{"type":"step","step":1,"loss":0.5,"elapsed":1,"cpu_percent":99,"rss_bytes":5000000}"#,
            #"{"type":"step","step":2,"loss":0.5,"elapsed":61}"#,
        ]).lines[0]
        #expect(stale.contains("cpu 99% 5.0 MB at step 1 "), "\(stale)")
    }
}
