import Foundation
import TestSupport
import Testing

@testable import rnntop

/// Control lines arrive in pieces; a line that never ends is cut, not kept whole.
@Suite struct ControlInputTests {
    @Test func linesAreSplitAsTheyArriveAndAnEndlessOneIsCut() {
        var reader = LineReader()
        #expect(reader.add(Array("lr 0.1\npa".utf8)[...]) == ["lr 0.1"])
        #expect(reader.add(Array("use\n".utf8)[...]) == ["pause"])
        let endless = [UInt8](repeating: UInt8(ascii: "x"), count: 200_000)
        let cut = reader.add(endless[...])
        #expect(cut.count == 1 && cut[0].utf8.count == LineReader.maximumLength)
        #expect(reader.add(endless[...]).isEmpty, "the rest of the cut line is dropped")
        #expect(reader.add(Array("xx\nquit\nste".utf8)[...]) == ["quit"], "up to its line feed")
        #expect(reader.rest() == "ste" && reader.rest() == nil)
    }

    @Test func followWithoutATerminalIsRefusedSayingWhy() throws {
        let log = try Fixtures.write("", named: "run.jsonl")
        let outcome = try CommandRunner.run(["replay", "--follow", log])
        #expect(outcome.status == 2 && outcome.standardError.contains("--follow shows a growing log on the dashboard, which needs a terminal"))
    }
}
