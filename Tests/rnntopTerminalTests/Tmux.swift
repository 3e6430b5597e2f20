import Foundation
import TestSupport
import Testing

/// The real `rnntop` in a real terminal: a tmux session of its own (a private
/// server socket) whose screen the tests read and whose keyboard they type on.
/// When rnntop ends, the shell around it records the exit status and the
/// terminal's modes (`stty -a`) in files, so a test can see how it left the terminal.
final class Tmux {
    let socket = "rnntop-test-\(UUID().uuidString.prefix(8))"
    let folder: URL
    private(set) var width: Int
    private(set) var height: Int

    /// Starts `rnntop arguments` in a `width` x `height` window, TERM xterm-256color,
    /// a UTF-8 locale, and the user's themes in `folder`/config/rnntop/themes.
    init(_ arguments: [String], width: Int, height: Int, environment: [String: String] = [:]) throws {
        self.width = width
        self.height = height
        folder = try Fixtures.temporaryFolder()
        let command = ([CommandRunner.executable.path] + arguments).map(Self.quoted).joined(separator: " ")
        // Themes come from the checkout, never from the tester's own ~/.config.
        let defaults = ["TERM": "xterm-256color", "LC_ALL": "C.UTF-8", "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path]
        let variables = (defaults.merging(environment) { $1 })
            .map { "\($0.key)=\(Self.quoted($0.value))" }.sorted().joined(separator: " ")
        try "echo $$ > pid\nexec env -u NO_COLOR -u SWIFT_BACKTRACE \(variables) \(command)\n".write(
            to: folder.appendingPathComponent("run.sh"), atomically: true, encoding: .utf8)
        // The shell survives a Ctrl-C or Ctrl-\\ meant for rnntop (a caught signal is reset for the child).
        let script = "trap : INT QUIT; cd \(Self.quoted(folder.path)); sh run.sh; echo $? > status; stty -a > modes; sleep 600"
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh", "-c", script])
    }

    /// Ends rnntop if a test left it running (a failed test must not leave a
    /// process training in the background), then the tmux server.
    deinit {
        if let text = try? String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGKILL)
        }
        _ = try? tmux(["kill-server"])
    }

    /// The screen's rows as text; with `escapes`, with the escape sequences that
    /// set the colours and attributes.
    func screen(escapes: Bool = false) throws -> [String] {
        try tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : [])).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// Types `keys` (tmux key names such as "Space", or literal text with `literal`).
    func send(_ keys: String, literal: Bool = false) throws {
        try tmux(["send-keys"] + (literal ? ["-l"] : []) + ["--", keys])
    }

    func resize(width: Int, height: Int) throws {
        self.width = width
        self.height = height
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// rnntop's process id, once it has started.
    func pid() throws -> pid_t {
        try wait(for: "pid") {
            (try? String(contentsOf: self.folder.appendingPathComponent("pid"), encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// rnntop's exit status and the terminal's modes after it ended.
    func exit() throws -> (status: Int32, modes: String) {
        // The shell creates the file, then writes it: an empty file is not a status yet.
        let status = try wait(for: "the exit status") {
            (try? String(contentsOf: self.folder.appendingPathComponent("status"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let modes = try wait(for: "stty -a") {
            (try? String(contentsOf: self.folder.appendingPathComponent("modes"), encoding: .utf8)).flatMap { $0.isEmpty ? nil : $0 }
        }
        return (status, modes)
    }

    /// Waits (at most 30 s) until the screen satisfies `condition`, and returns it.
    /// A capture can fall in the middle of a redraw (the top of a frame drawn, the
    /// bottom not yet), so a screen counts once a second capture 20 ms later agrees.
    @discardableResult
    func waitForScreen(_ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
        try wait(for: what) {
            guard let lines = try? self.screen(), condition(lines) else { return nil }
            usleep(20_000)
            return (try? self.screen()) == lines ? lines : nil
        }
    }

    /// The step counter in the header.
    static func step(_ screen: [String]) -> Int? {
        guard let range = screen.first?.range(of: #"step [0-9,]+"#, options: .regularExpression) else { return nil }
        return Int(screen[0][range].dropFirst(5).replacingOccurrences(of: ",", with: ""))
    }

    private func wait<T>(for what: String, _ poll: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let value = try poll() { return value }
            usleep(50_000)
        }
        let last = (try? screen().joined(separator: "\n")) ?? "(no screen)"
        throw TmuxError(description: "timed out waiting for \(what); the screen:\n\(last)")
    }

    /// Runs a tmux command and returns what it printed. Spawned and reaped by hand:
    /// the tmux server that the first command starts outlives its client, and
    /// Foundation's Process does not always notice that client end.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let output = folder.appendingPathComponent("tmux-output")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Through bash, which closes every inherited descriptor first: the tmux server
        // lives on, and must not hold the pipes of commands other tests are running
        // (their reads would never end).
        let closeAndRun = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done; exec tmux "$@""#
        let argv = ["bash", "-c", closeAndRun, "tmux", "-u", "-L", socket] + arguments
        let environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C.UTF-8"]) { $1 }.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var child: pid_t = 0
        guard posix_spawnp(&child, "bash", &actions, nil, &cArguments, &cEnvironment) == 0 else {
            throw TmuxError(description: "cannot run tmux: is it installed?")
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw TmuxError(description: "tmux \(arguments.first ?? "") failed with status \(status)")
        }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct TmuxError: Error, CustomStringConvertible {
    let description: String
}
