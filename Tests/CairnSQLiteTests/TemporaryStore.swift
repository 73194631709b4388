import CairnSQLite
import Foundation

/// A fresh directory under the system temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("cairn-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A store on a new database file in a temporary directory; closed and deleted after `body`.
func withTemporaryStore<T>(_ body: (SQLiteMetadataStore, URL) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let path = directory.appendingPathComponent("metadata.sqlite").path
        let store = try await SQLiteMetadataStore.open(path: path)
        do {
            let result = try await body(store, directory)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
