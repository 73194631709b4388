import CairnCore
import CairnTesting
import Testing

/// Expects `body` to throw a `RegistryError` with `code`; returns the error for further checks.
@discardableResult
func expectRegistryError<T>(
    _ code: RegistryError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async -> RegistryError? {
    do {
        _ = try await body()
        Issue.record("Expected a \(code) error, but the call succeeded.", sourceLocation: sourceLocation)
    } catch let error as RegistryError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("Expected a RegistryError \(code), got \(error).", sourceLocation: sourceLocation)
    }
    return nil
}

/// The synchronous form, for the pure validation rules: expects `.invalidArgument` with a message.
@discardableResult
func expectInvalid(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> RegistryError? {
    do {
        try body()
        Issue.record("Expected INVALID_ARGUMENT, but the input was accepted.", sourceLocation: sourceLocation)
    } catch let error as RegistryError {
        #expect(error.code == .invalidArgument, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("Expected a RegistryError, got \(error).", sourceLocation: sourceLocation)
    }
    return nil
}

/// UTF-8 bytes of a string.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A global admin: allowed every use case, so tests of other rules need not think about access.
let alice = Principal.testUser("alice", Grant(.admin))
/// A global editor: reads and writes, never deletes.
let bob = Principal.testUser("bob", Grant(.editor))
/// A second global admin, for tests that tell two admins apart.
let carol = Principal.testUser("carol", Grant(.admin))
