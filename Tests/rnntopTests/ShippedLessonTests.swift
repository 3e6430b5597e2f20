import Foundation
import TestSupport
import Testing

@testable import TerminalUI
@testable import rnntop

/// The chapters rnntop ships: the files match the copies built into the binary, each
/// reads and makes its runs, `rnntop lesson` lists them and finds a teacher's own, and
/// every chapter reproduces its figures headless with its own seed.
@Suite struct ShippedLessonTests {
    static let shippedFolder = Fixtures.packageRoot.appendingPathComponent("lessons").path
    static var shippedNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: shippedFolder)) ?? []).filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func theShippedChaptersAreTheBuiltInCopies() throws {
        #expect(Self.shippedNames.count >= 8)
        #expect(BuiltInLessons.sources.keys.sorted() == Self.shippedNames)
        for name in Self.shippedNames {
            let file = try String(contentsOfFile: Self.shippedFolder + "/\(name).toml", encoding: .utf8)
            #expect(file == BuiltInLessons.sources[name]! + "\n", "\(name).toml differs from its built-in copy: run Scripts/embed-shipped-files.sh")
        }
    }

    /// What a chapter says is drawn one character a cell: a combining accent, a wide
    /// character or a control character would be drawn as "?".
    @Test func everyChaptersWordsDrawAsWritten() throws {
        for (name, source) in BuiltInLessons.sources {
            let lesson = try Lesson.parse(source, name: name, file: name)
            let checks = lesson.checks.flatMap { [$0.says, $0.published] }
            for words in [lesson.title, lesson.source] + lesson.text + lesson.tryKeys + checks {
                let undrawable = words.unicodeScalars.filter { Buffer.printable($0) == "?" && $0 != "?" }
                #expect(undrawable.isEmpty, "\(name): \(undrawable.map { String(format: "U+%04X", $0.value) }) in \"\(words)\"")
            }
        }
    }

    @Test func everyChapterReadsAndMakesItsRuns() throws {
        let catalog = LessonCatalog(userDirectory: nil, shippedDirectory: Self.shippedFolder)
        #expect(catalog.entries.map(\.name) == Self.shippedNames)
        for entry in catalog.entries {
            let lesson = try catalog.load(entry)
            let grid = try LessonCommand.trainCommand(lesson).runGrid()
            try lesson.checkRuns(count: grid.runs.count, file: lesson.file)
            #expect(!lesson.source.isEmpty && lesson.checks.allSatisfy { !$0.published.isEmpty })
        }
    }

    @Test func theListNamesEveryChapterAndAMissingOneIsRefused() throws {
        let listing = try CommandRunner.run(["lesson"])
        #expect(listing.status == 0, "\(listing.standardError)")
        for (index, name) in Self.shippedNames.enumerated() {
            let lesson = try Lesson.parse(BuiltInLessons.sources[name]!, name: name, file: name)
            #expect(listing.standardOutput.contains(String(format: "%2d  ", index + 1) + lesson.title))
        }
        let missing = try CommandRunner.run(["lesson", "99", "--headless"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("no chapter 99: there are \(Self.shippedNames.count)"))
    }

    /// A teacher's chapter in their folder comes after the shipped ones; a broken one
    /// is listed with its reason, and refused with its line when asked for.
    @Test func aTeachersChapterIsFoundAndABrokenOneSaysWhy() throws {
        let config = try Fixtures.temporaryFolder()
        let folder = config.appendingPathComponent("rnntop/lessons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mine = LessonFileTests.good.replacingOccurrences(of: "The LSTM carries the number", with: "My own chapter")
        try mine.write(to: folder.appendingPathComponent("99-mine.toml"), atomically: true, encoding: .utf8)
        try "title = \"broken\"\nsteps = [1,\n".write(to: folder.appendingPathComponent("98-broken.toml"), atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": config.path]
        let listing = try CommandRunner.run(["lesson"], environment: environment)
        let count = Self.shippedNames.count
        #expect(listing.standardOutput.contains(String(format: "%2d  98-broken: cannot be used: ", count + 1)))
        #expect(listing.standardOutput.contains(String(format: "%2d  My own chapter", count + 2)))
        let broken = try CommandRunner.run(["lesson", "98-broken", "--headless"], environment: environment)
        #expect(broken.status == 2)
        #expect(broken.standardError.contains("98-broken.toml: line 3: "), "\(broken.standardError)")
    }

    /// A chapter trained headless says how its runs go while they train, in the lines
    /// `rnntop --headless` prints (each of its 3 epochs here), before the verdicts.
    @Test func aHeadlessChapterPrintsEachRunsProgress() throws {
        let config = try Fixtures.temporaryFolder()
        let folder = config.appendingPathComponent("rnntop/lessons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let short = LessonFileTests.good.replacingOccurrences(
            of: #"flags = ["--task", "adding", "--cell", "rnn,lstm"]"#,
            with: #"flags = ["--task", "adding", "--cell", "rnn,lstm", "--epochs", "3", "--seed", "2"]"#)
        try short.write(to: folder.appendingPathComponent("97-short.toml"), atomically: true, encoding: .utf8)
        let outcome = try CommandRunner.run(["lesson", "97-short", "--headless"], environment: ["XDG_CONFIG_HOME": config.path])
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        for run in ["rnn", "lstm"] {
            let progress = lines.filter { $0.hasPrefix("\(run): epoch ") }
            #expect(progress.count == 3 && progress.last!.hasPrefix("\(run): epoch 3/3"), "\(outcome.standardError)")
        }
        let verdicts = try #require(lines.firstIndex { $0.contains("the RNN stays at the baseline") })
        #expect(lines[..<verdicts].contains { $0.hasPrefix("rnn: epoch 3/3") }, "progress comes before the verdicts")
    }

    /// A chapter's text named without a folder and found nowhere is refused with the
    /// places looked in, not only "no such file".
    @Test func aChaptersMissingTextSaysWhereItWasLookedFor() throws {
        let config = try Fixtures.temporaryFolder()
        let folder = config.appendingPathComponent("rnntop/lessons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let reading = LessonFileTests.good.replacingOccurrences(
            of: #"flags = ["--task", "adding", "--cell", "rnn,lstm"]"#, with: #"flags = ["--task", "text", "--data", "absent.txt"]"#)
        try reading.write(to: folder.appendingPathComponent("96-reading.toml"), atomically: true, encoding: .utf8)
        let outcome = try CommandRunner.run(["lesson", "96-reading", "--headless"], environment: ["XDG_CONFIG_HOME": config.path])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.contains("96-reading.toml: field 'flags': --data absent.txt: not in the current folder, \(folder.path)"),
            "\(outcome.standardError)")
    }

    /// The CI's run of every chapter: each reproduces its figures, headless, with the
    /// seed its file gives; the run stops once every check has its verdict.
    @Test(arguments: 1...8)
    func theChapterReproducesItsFigures(_ chapter: Int) throws {
        let outcome = try CommandRunner.run(["lesson", "\(chapter)", "--headless"])
        let lesson = try Lesson.parse(BuiltInLessons.sources[Self.shippedNames[chapter - 1]]!, name: "", file: "")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("\(lesson.checks.count) of \(lesson.checks.count) figures reproduced"), "\(outcome.standardError)")
    }
}
