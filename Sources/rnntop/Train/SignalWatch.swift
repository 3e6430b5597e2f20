import Foundation
import Training

/// SIGINT, SIGTERM and SIGHUP (a closed ssh session, a killed terminal), noted (see
/// `received`) and turned into a quit command for the sessions, if there are any:
/// each run ends as it would on `q`, its checkpoint and log written.
final class SignalWatch {
    private var sources: [DispatchSourceSignal] = []
    private let caught = CaughtSignal()

    init(sessions: [Session]) {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)  // the dispatch source handles it instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [caught] in
                caught.note(number)
                for session in sessions { session.send(.quit, from: .program) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { caught.first }

    func stop() {
        for source in sources { source.cancel() }
    }
}

/// The first signal that arrived.
private final class CaughtSignal: Sendable {
    private let value = Locked<Int32?>(nil)

    func note(_ signal: Int32) {
        value.withLock { if $0 == nil { $0 = signal } }
    }

    var first: Int32? { value.withLock { $0 } }
}
