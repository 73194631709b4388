import CairnCore
import Foundation
import NIOPosix

import struct Crypto.SHA256

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multipart sessions: one directory each in the upload area,
///
///     uploads/mpu-<32 hex digits>/
///     ├── descriptor       the caller's record of the session
///     └── part-<n>         each part received so far (n = 1…10,000), renamed into place once fsynced
///
/// so an abandoned session is removed with the other abandoned uploads (its directory's time changes with every part
/// renamed into it). Every name is derived from a checked id and part number, never taken as it comes.
extension FileSystemBlobStore {
    static let missingSession =
        "The multipart upload does not exist: it was completed, aborted or expired. Start a new upload."
    static let multipartPrefix = "mpu-"

    func multipartDirectory(_ id: String) throws -> String {
        guard isMultipartID(id) else { throw RegistryError(.notFound, Self.missingSession) }
        return "\(uploadsDirectory)/\(Self.multipartPrefix)\(id)"
    }

    func partPath(_ id: String, _ number: Int) throws -> String {
        guard (1...multipartMaxParts).contains(number) else {
            throw RegistryError(.invalidArgument, "Part numbers run from 1 to \(multipartMaxParts); got \(number).")
        }
        return try multipartDirectory(id) + "/part-\(number)"
    }

    public func createMultipart(descriptor: [UInt8]) async throws -> String {
        let id = makeMultipartID()
        let directory = try multipartDirectory(id)
        guard mkdir(directory, 0o700) == 0 else { throw Self.ioError("create multipart session", path: directory) }
        // The descriptor is written as a part is: staged, fsynced, renamed into the session, directory fsynced.
        let upload = try await openUpload(committingTo: directory + "/descriptor", expecting: .none)
        do {
            try await upload.write(descriptor)
            _ = try await upload.commit()
            try await FileSystemBlobUpload.fsyncDirectory(uploadsDirectory)
        } catch {
            await upload.cancel()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return id
    }

    public func multipartDescriptor(_ id: String) async throws -> [UInt8]? {
        guard isMultipartID(id) else { return nil }
        let path = try multipartDirectory(id) + "/descriptor"
        return try await NIOThreadPool.singleton.runIfActive {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return [UInt8](data)
        }
    }

    public func beginPart(of id: String, number: Int, expecting expected: BlobExpectation) async throws
        -> any BlobUpload
    {
        let destination = try partPath(id, number)
        guard try await multipartDescriptor(id) != nil else { throw RegistryError(.notFound, Self.missingSession) }
        return try await openUpload(committingTo: destination, expecting: expected)
    }

    public func completeMultipart(_ id: String, parts: [(number: Int, digest: Digest?)]) async throws -> BlobInfo {
        guard try await multipartDescriptor(id) != nil else { throw RegistryError(.notFound, Self.missingSession) }
        let paths = try parts.map { try partPath(id, $0.number) }
        let upload = try await beginUpload(expecting: .none)
        do {
            let chunk = max(readChunkSize, 1 << 20)
            for (part, path) in zip(parts, paths) {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    if errno == ENOENT {
                        throw RegistryError(
                            .notFound,
                            "Part \(part.number) of the multipart upload was never received. Upload it, then complete."
                        )
                    }
                    throw Self.ioError("open part", path: path)
                }
                let reader = FileReader(fd: fd)
                // Each part is hashed on its own only when there is an ETag to check it against.
                var hasher = part.digest.map { _ in SHA256() }
                var offset: Int64 = 0
                while true {
                    let at = offset
                    let bytes = try await NIOThreadPool.singleton.runIfActive { try reader.read(at: at, count: chunk) }
                    if bytes.isEmpty { break }
                    hasher?.update(data: bytes)
                    try await upload.write(bytes)
                    offset += Int64(bytes.count)
                }
                if let expected = part.digest, let digest = hasher.map({ Digest(rawBytes: $0.finalize()) }),
                    expected != digest
                {
                    throw RegistryError(
                        .digestMismatch,
                        "Part \(part.number) holds other bytes than its ETag names (\(digest), not \(expected)). "
                            + "Upload that part again, then complete with the ETag it answers."
                    )
                }
            }
            let info = try await upload.commit()
            // The blob is durable; a session left behind by a failed removal is swept as abandoned.
            try? await abortMultipart(id)
            return info
        } catch {
            await upload.cancel()
            throw error
        }
    }

    public func abortMultipart(_ id: String) async throws {
        guard isMultipartID(id) else { return }
        let directory = try multipartDirectory(id)
        try await NIOThreadPool.singleton.runIfActive {
            do {
                try FileManager.default.removeItem(atPath: directory)
            } catch CocoaError.fileNoSuchFile {
                return
            } catch {
                if FileManager.default.fileExists(atPath: directory) {
                    throw RegistryError(.internalError, "Cannot remove the multipart session at \(directory): \(error)")
                }
            }
        }
    }
}
