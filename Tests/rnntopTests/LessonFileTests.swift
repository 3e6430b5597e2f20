import Foundation
import RNNData
import Testing

@testable import rnntop

/// A chapter file as a teacher writes it: read whole, its checks in the order
/// written; every mistake refused with the file, its line and the key, never taken
/// for something else.
@Suite struct LessonFileTests {
    static let good = """
        title = "The LSTM carries the number"
        source = "Hochreiter & Schmidhuber 1997"
        flags = ["--task", "adding", "--cell", "rnn,lstm"]
        text = ["first paragraph", "", "second"]
        try = ["m  the next cell"]

        [checks.rnn-fails]
        says = "the RNN stays at the baseline"
        quantity = "validation-loss"
        relative-to = "baseline"
        above = 0.9
        at = 1000
        published = "1/6"

        [checks.lstm-learns]
        says = "the LSTM learns"
        quantity = "validation-loss"
        run = 2
        below = 0.01
        within = 1000
        published = "< 0.01"

        [checks.smaller]
        says = "fewer parameters"
        quantity = "parameters"
        run = 2
        relative-to = "run 1"
        between = [0.5, 0.9]
        at = 1
        published = "3/4"
        """

    @Test func aChapterReadsWholeWithItsChecksInOrder() throws {
        let lesson = try Lesson.parse(Self.good, name: "03-lstm", file: "03-lstm.toml")
        #expect(lesson.title == "The LSTM carries the number" && lesson.flags == ["--task", "adding", "--cell", "rnn,lstm"])
        #expect(lesson.text == ["first paragraph", "", "second"] && lesson.tryKeys == ["m  the next cell"])
        #expect(lesson.checks.map(\.name) == ["rnn-fails", "lstm-learns", "smaller"])
        let rnn = lesson.checks[0], lstm = lesson.checks[1], smaller = lesson.checks[2]
        #expect(rnn.run == 0 && rnn.relativeTo == .baseline && rnn.condition == .above(0.9) && rnn.timing == .at(1000))
        #expect(lstm.run == 1 && lstm.relativeTo == .none && lstm.condition == .below(0.01) && lstm.timing == .within(1000))
        #expect(smaller.relativeTo == .run(0) && smaller.condition == .between(0.5, 0.9))
        #expect(throws: Never.self) { try lesson.checkRuns(count: 2, file: "03-lstm.toml") }
    }

    /// (what is changed, the message expected): each names the line and the key.
    static let mistakes: [(String, String, String)] = [
        ("title = \"The LSTM carries the number\"", "", "x.toml: field 'title': missing"),
        ("above = 0.9", "above = 0.9\nabove = 2", "x.toml: line 12: field 'checks.rnn-fails.above': 'above' is defined twice"),
        ("quantity = \"parameters\"", "quantity = \"weights\"", "x.toml: line 25: field 'checks.smaller.quantity': 'weights' is not a quantity"),
        ("within = 1000", "within = 1000\nat = 5", "x.toml: line 21: field 'checks.lstm-learns.at': give within or at, not both"),
        ("between = [0.5, 0.9]", "between = [0.9, 0.5]", "x.toml: line 28: field 'checks.smaller.between': must be [low, high]"),
        ("at = 1000", "at = 1.5", "x.toml: line 12: field 'checks.rnn-fails.at': must be a whole number from 1"),
        ("at = 1000", "at = -3", "x.toml: line 12: field 'checks.rnn-fails.at': must be a whole number from 1"),
        ("run = 2", "run = 2\ncolour = \"red\"", "x.toml: line 19: field 'checks.lstm-learns.colour': not a key of a lesson's check"),
        ("try = [\"m  the next cell\"]", "tries = [\"m\"]", "x.toml: line 5: field 'tries': not a key of a lesson"),
        ("text = [\"first paragraph\", \"\", \"second\"]", "text = [\"first\", 2]", "x.toml: line 4: field 'text': must be a list of strings"),
        ("above = 0.9", "is = true", "x.toml: line 11: field 'checks.rnn-fails.is': is = true|false is for a yes/no quantity"),
        ("relative-to = \"baseline\"", "relative-to = \"the baseline\"", "x.toml: line 10: field 'checks.rnn-fails.relative-to': must be \"baseline\" or \"run N\""),
        ("flags = [", "flags = [[", "x.toml: line 4: expected ',' or ']' in a list"),
    ]

    @Test(arguments: mistakes)
    func aMistakeIsRefusedWithItsLineAndKey(_ original: String, _ replacement: String, _ expected: String) throws {
        let source = Self.good.replacingOccurrences(of: original, with: replacement)
        #expect(source != Self.good)
        do {
            _ = try Lesson.parse(source, name: "x", file: "x.toml")
            Issue.record("accepted: \(replacement)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func aChapterWithoutChecksOrWithAMissingRunIsRefused() throws {
        let noChecks = String(Self.good[..<Self.good.range(of: "[checks.rnn-fails]")!.lowerBound])
        #expect(throws: InputError(file: "x.toml", field: "checks", problem: "missing: a chapter needs at least one check ([checks.NAME])")) {
            try Lesson.parse(noChecks, name: "x", file: "x.toml")
        }
        let lesson = try Lesson.parse(Self.good, name: "x", file: "x.toml")
        #expect(throws: InputError(file: "x.toml", field: "checks.lstm-learns.run", problem: "run 2, but the flags make one run")) {
            try lesson.checkRuns(count: 1, file: "x.toml")
        }
    }

    @Test func theDivergedQuantityTakesYesOrNo() throws {
        let diverges = Self.good.replacingOccurrences(of: "quantity = \"parameters\"", with: "quantity = \"diverged\"")
            .replacingOccurrences(of: "between = [0.5, 0.9]", with: "is = true").replacingOccurrences(of: "relative-to = \"run 1\"\n", with: "")
        #expect(try Lesson.parse(diverges, name: "x", file: "x.toml").checks[2].condition == .yes(true))
        let numeric = Self.good.replacingOccurrences(of: "quantity = \"parameters\"", with: "quantity = \"diverged\"")
        #expect(throws: InputError.self) { try Lesson.parse(numeric, name: "x", file: "x.toml") }
    }

    @Test func wordsWrapAtSpacesAndLongWordsAreCut() {
        #expect(LessonPanel.wrap("the quick brown fox jumps", width: 10, indent: 2) == ["the quick", "  brown", "  fox", "  jumps"])
        #expect(LessonPanel.wrap("abcdefghijkl", width: 5, indent: 0) == ["abcde"])
        #expect(LessonPanel.wrap("", width: 5, indent: 0) == [""])
    }
}
