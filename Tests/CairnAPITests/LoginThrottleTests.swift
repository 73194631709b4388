import CairnAPI
import CairnCore
import CairnHTTP
import CairnTesting
import Foundation
import Testing

/// The login throttle's arithmetic, window and memory bound, with a manual clock.
@Suite("Login throttle")
struct LoginThrottleTests {
    @Test("delays double from 100 ms after five failures and stop at 5 s")
    func delays() {
        let throttle = LoginThrottle(clock: ManualClock(), sleeper: { _ in })
        let delays = (0..<14).map { _ in throttle.recordFailure(client: "10.0.0.1") }
        #expect(delays.prefix(5).allSatisfy { $0 == .zero })
        #expect(Array(delays[5..<11]) == [100, 200, 400, 800, 1600, 3200].map { .milliseconds($0) })
        #expect(delays[11...].allSatisfy { $0 == .seconds(5) })
        #expect(throttle.recordFailure(client: "10.0.0.2") == .zero, "clients are counted apart")
    }

    @Test("failures older than the window are forgotten")
    func window() {
        let clock = ManualClock()
        let throttle = LoginThrottle(clock: clock, sleeper: { _ in })
        for _ in 0..<5 { _ = throttle.recordFailure(client: "c") }
        clock.advance(by: 15 * 60 + 1)
        #expect(throttle.recordFailure(client: "c") == .zero)
    }

    @Test("memory stays bounded, dropping expired then oldest clients")
    func bound() {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: .init(maxClients: 3), clock: clock, sleeper: { _ in })
        for index in 0..<10 {
            clock.advance(by: 1)
            _ = throttle.recordFailure(client: "c\(index)")
        }
        #expect(throttle.trackedClients <= 3)
    }
}
