import CairnCore
import CairnTesting
import Foundation

/// A service with a bootstrapped admin, and the admin's principal.
func identityFixture(clock: ManualClock = ManualClock(), passwords: FastPasswordHasher = FastPasswordHasher())
    async throws -> (service: RegistryService, admin: Principal, adminToken: String)
{
    let service = makeService(clock: clock, passwords: passwords)
    let bootstrap = try await service.bootstrapAdmin()
    let secret = try require(bootstrap).secret
    return (service, try await service.authenticate(.bearer(secret)), secret)
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw RegistryError(.internalError, "bootstrap returned nil") }
    return value
}
