import Testing

@testable import Training

/// The control lines' verbs come from one table: each verb parses with its example
/// arguments into a command whose event names itself, each is in the help, and each
/// refuses too many arguments.
@Suite struct ControlLineTableTests {
    @Test func everyVerbParsesIsInTheHelpAndRefusesExtraWords() throws {
        #expect(Set(ControlLine.verbs.map(\.name)).count == ControlLine.verbs.count, "a verb once")
        for verb in ControlLine.verbs {
            #expect(ControlLine.help.contains(verb.usage), "\(verb.name) in the help")
            let line = ([verb.name] + verb.example).joined(separator: " ")
            let command = try #require(try ControlLine.parse(line), "\(line)")
            #expect(command.eventKind == verb.kind, "\(line): records the event the verb is named by")
            #expect(verb.example.count == verb.arguments.upperBound, "\(verb.name)'s example uses every argument")
            let tooMany = line + String(repeating: " 1", count: verb.arguments.upperBound - verb.example.count + 1)
            #expect(throws: ControlLine.Problem.self, "\(tooMany)") { try ControlLine.parse(tooMany) }
        }
        // Verbs are whole words, not prefixes; case does not matter.
        #expect(throws: ControlLine.Problem.self) { try ControlLine.parse("l 0.1") }
        #expect(try ControlLine.parse("LR 0.1") == .setLearningRate(0.1))
    }

    @Test func everyEventNamesItself() {
        for kind in EventKind.allCases { #expect(EventKind(rawValue: kind.rawValue) == kind) }
        #expect(Set(EventKind.allCases.map(\.rawValue)).count == EventKind.allCases.count)
        // Every event a command records has its verb; what a run does of itself
        // (diverging, finishing, a failed write) has none.
        let ofCommands = Set(ControlLine.verbs.map(\.kind))
        let ofTheRun: Set<EventKind> = [.diverged, .done, .writeFailed]
        #expect(ofCommands.union(ofTheRun) == Set(EventKind.allCases))
    }

    @Test func aLongLineIsCutInTheMessage() {
        let long = String(repeating: "x", count: 1_000_000)
        #expect(throws: ControlLine.Problem.self) { try ControlLine.parse(long) }
        do {
            _ = try ControlLine.parse(long)
        } catch {
            #expect(error.description.count < 1_000 && error.description.contains("… (1000000 characters)"))
        }
        do {
            _ = try ControlLine.parse("lr " + long)
        } catch {
            #expect(error.description.count < 500 && error.description.hasPrefix("'lr' needs a learning rate, not 'xxx"))
        }
    }

    @Test func aWrongArgumentSaysWhatTheVerbNeeds() {
        #expect(throws: ControlLine.Problem(description: "'clip' needs a clip mode, norm or value, not 'both'")) {
            try ControlLine.parse("clip 1 both")
        }
        #expect(throws: ControlLine.Problem(description: "'lr' needs a value: lr X")) { try ControlLine.parse("lr") }
    }
}

extension ControlLine.Problem: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
}
