import Foundation
import TestSupport
import Testing

/// No output destroys what its path names: a FIFO or a device stays what it was, a
/// link's target is written and the link kept, and two files of one command that are
/// one file are refused before any work. Devices and FIFOs are made in a temporary
/// folder, never the system's /dev.
@Suite struct OutputSafetyTests {
    static func kind(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    @Test func aFIFOOrADeviceAsAWholeFileOutputIsRefusedAndLeftAsItWas() throws {
        let folder = try Fixtures.temporaryFolder().path
        let fifo = folder + "/pipe"
        #expect(mkfifo(fifo, 0o644) == 0)
        let refused = try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--checkpoint", fifo])
        #expect(refused.status == 2 && refused.standardError.contains("\(fifo): field '--checkpoint': is a FIFO (named pipe)"), "\(refused.standardError)")
        #expect(!refused.standardError.contains("epoch"), "refused before the first step")
        #expect(Self.kind(fifo) == S_IFIFO)

        // A character device, as root can make one (the null device's numbers).
        let device = folder + "/null"
        guard mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 else { return }  // major 1, minor 3
        let weights = try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--save-weights", device])
        #expect(weights.status == 2 && weights.standardError.contains("is a character device"), "\(weights.standardError)")
        #expect(Self.kind(device) == S_IFCHR)
    }

    @Test func aLinkIsFollowedItsTargetWrittenAndTheLinkKept() throws {
        let folder = try Fixtures.temporaryFolder().path
        let target = folder + "/weights.safetensors", link = folder + "/latest.safetensors"
        #expect(symlink("weights.safetensors", link) == 0)
        let written = try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--save-weights", link])
        #expect(written.status == 0, "\(written.standardError)")
        #expect(Self.kind(link) == S_IFLNK && Self.kind(target) == S_IFREG)

        let fifo = folder + "/pipe", toFifo = folder + "/to-pipe.ckpt"
        #expect(mkfifo(fifo, 0o644) == 0 && symlink(fifo, toFifo) == 0)
        let refused = try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--checkpoint", toFifo])
        #expect(refused.status == 2 && refused.standardError.contains("is a FIFO (named pipe) (a link to \(fifo))"), "\(refused.standardError)")
        #expect(Self.kind(fifo) == S_IFIFO)
    }

    @Test func twoOutputsOfOneFileOrAnOutputOverAnInputAreRefusedBeforeAnyWork() throws {
        let folder = try Fixtures.temporaryFolder().path
        let both = try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--save-weights", folder + "/x", "--log", folder + "/./x"])
        #expect(both.status == 2 && both.standardError.contains("field '--save-weights': is also the file of --log"), "\(both.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/x"), "nothing was written")

        let data = folder + "/nile.csv"
        try FileManager.default.copyItem(atPath: Fixtures.data("nile.csv"), toPath: data)
        let before = try Data(contentsOf: URL(fileURLWithPath: data))
        let overData = try CommandRunner.run(["--task", "csv", "--data", data, "--steps", "3", "--headless", "--csv", data])
        #expect(overData.status == 2 && overData.standardError.contains("is the file of --data, which this command reads"), "\(overData.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before)

        let log = folder + "/run.jsonl"
        #expect(try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--log", log]).status == 0)
        let logBefore = try Data(contentsOf: URL(fileURLWithPath: log))
        let plot = try CommandRunner.run(["plot", log, "-o", log])
        #expect(plot.status == 2 && plot.standardError.contains("is the file of a log to plot"), "\(plot.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == logBefore)
    }

    @Test func aResumedRunCheckpointsToItsOwnFileButNothingElseGoesOverIt() throws {
        let folder = try Fixtures.temporaryFolder().path
        let checkpoint = folder + "/run.ckpt"
        #expect(try CommandRunner.run(["--task", "sine", "--steps", "3", "--headless", "--checkpoint", checkpoint]).status == 0)
        let resumed = try CommandRunner.run(["--resume", checkpoint, "--steps", "5", "--headless"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let over = try CommandRunner.run(["--resume", checkpoint, "--steps", "7", "--headless", "--checkpoint", folder + "/new.ckpt", "--log", checkpoint])
        #expect(over.status == 2 && over.standardError.contains("is the file of --resume, which this command reads"), "\(over.standardError)")
    }

    /// A control line (or a key) that names another of the run's files is refused: the
    /// weights written over the run log would leave the log's later lines nowhere.
    @Test func aCommandThatNamesAnotherOfTheRunsFilesIsRefused() throws {
        let folder = try Fixtures.temporaryFolder().path
        let log = folder + "/run.jsonl", control = folder + "/control"
        try "weights \(log)\ncheckpoint \(log)\nquit\n".write(toFile: control, atomically: true, encoding: .utf8)
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "100000000", "--headless", "--log", log, "--control", control])
        #expect(outcome.standardError.contains("is the run log of this run: writing the weights there would destroy it"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("is the run log of this run: writing a checkpoint there would destroy it"))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.hasPrefix(#"{"type":"run""#) == true && lines.last?.hasPrefix(#"{"type":"end""#) == true)
    }
}
