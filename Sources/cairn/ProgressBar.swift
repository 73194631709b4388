import CairnClient
import Foundation
import Synchronization

/// Shows transfer progress on stderr: on a terminal one line redrawn in place (bar, bytes done/total, rate, ETA,
/// current file), otherwise one plain line per finished file (logs and CI stay readable).
final class ProgressBar: Sendable {
    private struct State {
        var started: ContinuousClock.Instant?
        var lastDraw: ContinuousClock.Instant?
        var drewLine = false
        var lastFinishedIndex = -1
    }

    private let verb: String
    private let interactive: Bool
    private let width: Int
    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// - Parameters:
    ///   - verb: What is happening to each file (`uploaded`, `downloaded`).
    ///   - interactive: Redraw in place (defaults to whether stderr is a terminal).
    init(verb: String, interactive: Bool = Console.stderrIsTerminal, width: Int = 24) {
        self.verb = verb
        self.interactive = interactive
        self.width = width
    }

    /// The callback to hand to ``CairnClient`` transfers.
    var handler: TransferProgressHandler {
        { [self] progress in self.update(progress) }
    }

    func update(_ progress: TransferProgress) {
        let now = clock.now
        let output: String? = state.withLock { state in
            if state.started == nil, progress.phase != .hashing { state.started = now }
            let elapsed = state.started.map { Self.seconds(now - $0) } ?? 0
            if progress.phase == .finished {
                guard progress.fileIndex > state.lastFinishedIndex else { return nil }
                state.lastFinishedIndex = progress.fileIndex
                if !interactive { return Self.fileLine(verb: verb, progress, elapsed: elapsed) + "\n" }
            } else {
                guard interactive else { return nil }
                if let last = state.lastDraw, Self.seconds(now - last) < 0.1 { return nil }
            }
            state.lastDraw = now
            state.drewLine = true
            return "\r" + Self.barLine(progress, elapsed: elapsed, width: width) + "\u{1B}[K"
        }
        if let output { Console.writeError(output) }
    }

    /// Ends the redrawn line so the next output starts on a fresh one.
    func finish() {
        let drew = state.withLock { $0.drewLine }
        if interactive && drew { Console.writeError("\n") }
    }

    // MARK: - Formatting

    static func rate(_ progress: TransferProgress, elapsed: Double) -> Double? {
        elapsed > 0.05 && progress.completedBytes > 0 ? Double(progress.completedBytes) / elapsed : nil
    }

    /// `[=====>     ]  45%  12.3 MB/40.0 MB  5.10 MB/s  ETA 0:05  (3/10) weights.bin`
    static func barLine(_ progress: TransferProgress, elapsed: Double, width: Int) -> String {
        let rate = rate(progress, elapsed: elapsed)
        let remaining = Double(max(0, progress.totalBytes - progress.completedBytes))
        let eta = rate.map { remaining / $0 }
        let percent = Int((progress.fraction * 100).rounded(.down))
        let done = TransferFormatting.bytes(progress.completedBytes)
        let total = TransferFormatting.bytes(progress.totalBytes)
        let name = TableRenderer.truncate(progress.path, to: 40)
        let current =
            progress.phase == .hashing ? "hashing \(name) (\(TransferFormatting.bytes(progress.fileBytes)))" : name
        return TransferFormatting.bar(fraction: progress.fraction, width: width)
            + " \(String(repeating: " ", count: max(0, 3 - String(percent).count)))\(percent)%"
            + "  \(done)/\(total)  \(TransferFormatting.rate(bytesPerSecond: rate))"
            + "  ETA \(TransferFormatting.duration(seconds: eta))"
            + "  (\(progress.fileIndex + 1)/\(progress.fileCount)) \(current)"
    }

    /// `uploaded weights.bin (12.3 MB) [3/10, 45.0 MB/100 MB, 5.10 MB/s]`
    static func fileLine(verb: String, _ progress: TransferProgress, elapsed: Double) -> String {
        "\(verb) \(progress.path) (\(TransferFormatting.bytes(progress.fileSize))) "
            + "[\(progress.fileIndex + 1)/\(progress.fileCount), "
            + "\(TransferFormatting.bytes(progress.completedBytes))/\(TransferFormatting.bytes(progress.totalBytes)), "
            + "\(TransferFormatting.rate(bytesPerSecond: rate(progress, elapsed: elapsed)))]"
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
