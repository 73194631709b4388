import CairnCore
import Foundation
import Synchronization

/// A clock that moves only when a test moves it. Thread-safe: tasks may read it while a test advances it.
///
/// Times are kept at millisecond precision, rounded to the nearest millisecond as every store rounds them, so a time
/// read back from a store compares equal to the time the clock gave out. (Rounding down would drop a millisecond
/// whenever `seconds * 1000` lands just below a whole number in floating point, as `1.001 * 1000` does.)
public final class ManualClock: CairnCore.Clock {
    /// 2023-11-14T22:13:20Z: a fixed, round start so failures are reproducible.
    public static let defaultStart = Date(timeIntervalSince1970: 1_700_000_000)

    private let current: Mutex<Date>

    public init(_ start: Date = ManualClock.defaultStart) {
        current = Mutex(Self.millisecondPrecise(start))
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Sets the time (backwards too: clocks on real machines do jump).
    public func set(_ date: Date) { current.withLock { $0 = Self.millisecondPrecise(date) } }

    /// Moves the time forward by `seconds` and returns the new time.
    @discardableResult
    public func advance(by seconds: TimeInterval) -> Date {
        current.withLock { now in
            now = Self.millisecondPrecise(now.addingTimeInterval(seconds))
            return now
        }
    }

    private static func millisecondPrecise(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
