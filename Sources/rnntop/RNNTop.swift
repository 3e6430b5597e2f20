import ArgumentParser
import Foundation
import RNNCore
import RNNData
import TerminalUI

/// The `rnntop` command line: the subcommands and the exit-status contract
/// (0 done, 1 failed check or diverged run, 2 bad input or usage).
struct RNNTop: ParsableCommand {
    /// The program's version, in `--version` and run logs.
    static let version = "0.7.0"

    static let configuration = CommandConfiguration(
        commandName: "rnntop",
        abstract: "top for recurrent neural networks: train RNN, LSTM and GRU models and watch them learn.",
        version: version,
        subcommands: [TrainCommand.self, ReplayCommand.self, PlotCommand.self, VerifyCommand.self, BenchCommand.self, ThemesCommand.self, LessonCommand.self],
        defaultSubcommand: TrainCommand.self
    )

    /// Parses the arguments, runs the command and exits with the contract's status.
    static func runAndExit() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch let error as InputError {
            printError(error.description)
            Foundation.exit(2)
        } catch let error as ThemeError {
            printError(error.description)
            Foundation.exit(2)
        } catch let error as ConfigError {
            printError(error.description)
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { printError(message) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes "rnntop: message" to standard error, control characters escaped: a message
/// can quote a file's name or contents, which must not reach the terminal as escape
/// sequences (escaping twice changes nothing: escaped text has none left). Line
/// breaks stay: a usage message has several lines.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("rnntop: \(Escaping.escape(message, keepingLineBreaks: true))\n".utf8))
}
