import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A regular file found under a directory being pushed.
public struct LocalFile: Sendable, Hashable {
    /// The manifest path: relative to the pushed directory, `/`-separated, valid per ``ManifestPath``.
    public var path: String
    /// Where to read the bytes (a symlink inside the directory is resolved to its target).
    public var fileURL: URL
    public var size: Int64

    /// Creates a file entry.
    public init(path: String, fileURL: URL, size: Int64) {
        self.path = path
        self.fileURL = fileURL
        self.size = size
    }
}

/// The local side of pushes and pulls: which files a directory holds, and where a manifest path may be written.
///
/// Both directions confine themselves to the directory they are given. A push follows symbolic links only when they
/// resolve inside the directory and refuses the rest; a pull validates every path the server sends with
/// ``ManifestPath`` and never writes through a symbolic link, so a hostile server cannot place a file outside it.
public enum LocalTree {
    /// Every regular file under `directory`, sorted by manifest path.
    /// - Throws: ``CairnClientError`` (``CairnClientError/invalidArgument``) for a symlink that leaves the directory,
    ///   a dangling or looping symlink, a special file (socket, FIFO, device), a name that is not a valid manifest
    ///   path, or a directory with no files; ``CairnClientError/localIO`` when the directory cannot be read.
    public static func scan(_ directory: URL) throws -> [LocalFile] {
        guard let root = realPath(directory.path), isDirectory(root) else {
            throw CairnClientError.invalid("'\(directory.path)' is not a directory.")
        }
        var files: [LocalFile] = []
        try walk(directory: root, relative: [], root: root, ancestors: [root], into: &files)
        guard !files.isEmpty else {
            throw CairnClientError.invalid("'\(directory.path)' holds no files to push.")
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The location inside `directory` where the file at manifest path `path` goes, creating the directories on the
    /// way (and `directory` itself) as needed.
    /// - Throws: ``CairnClientError`` (``CairnClientError/invalidResponse``) if `path` is not a valid manifest path
    ///   or would pass through a symbolic link or a non-directory; ``CairnClientError/localIO`` if a directory cannot
    ///   be created.
    public static func destination(for path: String, in directory: URL) throws -> URL {
        do {
            try ManifestPath.validate(path)
        } catch {
            throw CairnClientError.badResponse(
                "Refusing to write '\(path.prefix(200))': the server sent an unsafe file path (\(error.message))"
            )
        }
        try createDirectory(directory.path)
        let segments = path.split(separator: "/").map(String.init)
        var current = directory.standardizedFileURL
        for segment in segments.dropLast() {
            current = current.appendingPathComponent(segment, isDirectory: true)
            switch kind(current.path) {
            case .none: try createDirectory(current.path)
            case .some(S_IFDIR): break
            case .some(S_IFLNK):
                throw CairnClientError.badResponse(
                    "Refusing to write '\(path)': '\(current.path)' is a symbolic link; pull into an empty directory."
                )
            default:
                throw CairnClientError.badResponse("Refusing to write '\(path)': '\(current.path)' is not a directory.")
            }
        }
        let target = current.appendingPathComponent(segments.last!, isDirectory: false)
        let rootPath = directory.standardizedFileURL.path
        guard target.standardizedFileURL.path.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") else {
            throw CairnClientError.badResponse("Refusing to write '\(path)': it leaves '\(rootPath)'.")
        }
        if kind(target.path) == S_IFDIR {
            throw CairnClientError.badResponse("Refusing to write '\(path)': '\(target.path)' is a directory.")
        }
        return target
    }

    // MARK: - Walking

    private static func walk(
        directory: String,
        relative: [String],
        root: String,
        ancestors: Set<String>,
        into files: inout [LocalFile]
    ) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw CairnClientError.local("Cannot list '\(directory)': \(error)", underlying: error)
        }
        for name in names {
            let full = directory + "/" + name
            let components = relative + [name]
            let path = components.joined(separator: "/")
            var resolved = full
            var type = kind(full)
            if type == S_IFLNK {
                guard let target = realPath(full) else {
                    throw CairnClientError.invalid("Symbolic link '\(path)' is dangling or loops; remove it.")
                }
                guard target == root || target.hasPrefix(root + "/") else {
                    throw CairnClientError.invalid(
                        "Symbolic link '\(path)' points outside the pushed directory (to '\(target)'); "
                            + "refusing to push it. Copy the file in or remove the link."
                    )
                }
                resolved = target
                type = kind(target)
            }
            switch type {
            case .some(S_IFREG):
                try validate(path)
                let size = try fileSize(resolved)
                files.append(LocalFile(path: path, fileURL: URL(fileURLWithPath: resolved), size: size))
            case .some(S_IFDIR):
                guard !ancestors.contains(resolved) else {
                    throw CairnClientError.invalid("Symbolic link '\(path)' makes a loop; remove it.")
                }
                try walk(
                    directory: resolved,
                    relative: components,
                    root: root,
                    ancestors: ancestors.union([resolved]),
                    into: &files
                )
            default:
                throw CairnClientError.invalid(
                    "'\(path)' is not a regular file or directory (a socket, FIFO or device); remove it to push."
                )
            }
        }
    }

    private static func validate(_ path: String) throws {
        do {
            try ManifestPath.validate(path)
        } catch {
            throw CairnClientError.invalid("Cannot push '\(path)': \(error.message) Rename the file.")
        }
    }

    // MARK: - POSIX helpers

    /// The file type bits (`S_IFREG`, `S_IFDIR`, `S_IFLNK`, …) of `path` without following a final symlink.
    static func kind(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    private static func fileSize(_ path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CairnClientError.local("Cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        return Int64(info.st_size)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func createDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CairnClientError.local("Cannot create directory '\(path)': \(error)", underlying: error)
        }
        guard isDirectory(path) else {
            throw CairnClientError.local("'\(path)' exists and is not a directory.")
        }
    }
}
