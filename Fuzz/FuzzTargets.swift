// libFuzzer targets for every parser that reads user input. Not a SwiftPM target: scripts/fuzz compiles this file
// together with the sources of CairnCore, the MLflow filter parser and the MLmodel reader into one instrumented binary
// (`swiftc -sanitize=fuzzer`), so the normal build is untouched. CAIRN_FUZZ_TARGET picks the target.
//
// Each target checks properties, not only "no crash": a parser returns a value or throws a RegistryError whose code
// is INVALID_ARGUMENT (never an internal error, never a trap), and what it accepts is well-formed.
import Foundation

enum FuzzTarget: String, CaseIterable {
    case filter, policy, path, uri, mlmodel, location

    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["CAIRN_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("Set CAIRN_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))")
        }
        return target
    }()
}

/// Runs `body`; a thrown error must be a RegistryError with code INVALID_ARGUMENT.
func expectValueOrInvalid<T>(_ what: String, _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch let error as RegistryError {
        guard error.code == .invalidArgument, !error.message.isEmpty else {
            fatalError("\(what): \(error.code) instead of INVALID_ARGUMENT: \(error)")
        }
        return nil
    } catch {
        fatalError("\(what): a non-registry error escaped: \(error)")
    }
}

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch FuzzTarget.selected {
    case .filter:
        let schemas: [MLflowSearchSchema] = [.registeredModels, .modelVersions, .experiments, .runs, .loggedModels]
        for schema in schemas {
            let first = expectValueOrInvalid("filter") { try MLflowFilterParser.parse(text, schema: schema) }
            let second = expectValueOrInvalid("filter") { try MLflowFilterParser.parse(text, schema: schema) }
            if (first == nil) != (second == nil) { fatalError("filter parsing is not deterministic: \(text)") }
            _ = expectValueOrInvalid("order") { try MLflowFilterParser.parseOrder([text], schema: schema) }
        }
    case .policy:
        _ = expectValueOrInvalid("policy") { try Policy(document: bytes) }
    case .path:
        guard let accepted = expectValueOrInvalid("path", { try ManifestPath.validate(text) }) else { return }
        let parts = accepted.split(separator: "/", omittingEmptySubsequences: false)
        if accepted.isEmpty || accepted.hasPrefix("/")
            || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
            || accepted.unicodeScalars.contains(where: { $0.value == 0 || $0 == "\\" })
        {
            fatalError("an unsafe path was accepted: \(accepted.debugDescription)")
        }
        if (try? ManifestPath.validate(accepted)) != accepted {
            fatalError("validation is not idempotent: \(accepted)")
        }
    case .uri:
        if let uri = expectValueOrInvalid("uri", { try ModelURI(parsing: text) }) {
            _ = expectValueOrInvalid("uri name") { try ModelName.validate(uri.modelName) }
        }
    case .mlmodel:
        let parser = YAMLMLmodelParser()
        if let document = expectValueOrInvalid("mlmodel", { try parser.parse(text) }),
            expectValueOrInvalid("mlmodel again", { try parser.parse(text) }) != document
        {
            fatalError("the same MLmodel text parsed two ways: \(text.debugDescription)")
        }
    case .location:
        _ = expectValueOrInvalid("location") { try LocationPolicy().check(text, field: "source") }
        if let address = IPAddress(parsing: text), IPAddress(parsing: address.description) != address {
            fatalError("an address does not survive its own description: \(text) → \(address)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func cairnFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
