import CairnCore
import Foundation

/// Writes a POSIX ustar stream of a manifest, with a PAX header for paths that do not fit ustar's fields.
///
/// The length is known before the first byte is sent (headers are fixed-size; contents are padded to 512 bytes), so
/// archive downloads carry an exact `Content-Length`.
enum TarArchive {
    static let block = 512
    static let trailer = [UInt8](repeating: 0, count: 1024)

    static func length(of entries: [ManifestEntry]) -> Int64 {
        entries.reduce(Int64(trailer.count)) { total, entry in
            total + Int64(header(for: entry, modified: Date(timeIntervalSince1970: 0)).count) + padded(entry.size)
        }
    }

    static func padded(_ size: Int64) -> Int64 { (size + Int64(block) - 1) / Int64(block) * Int64(block) }

    static func padding(after size: Int64) -> [UInt8] {
        [UInt8](repeating: 0, count: Int(padded(size) - size))
    }

    /// Largest size ustar's 12-byte octal field holds (11 digits): 8 GiB - 1. Larger files need a PAX `size=`.
    static let maxUstarSize: Int64 = 0o77777777777

    /// The header block(s) for one file: a PAX extended header first when the path or the size does not fit ustar.
    static func header(for entry: ManifestEntry, modified: Date) -> [UInt8] {
        let path = Array(entry.path.utf8)
        let mtime = Int64(modified.timeIntervalSince1970)
        let split = split(path)
        let sizeFits = entry.size <= maxUstarSize
        if let (prefix, name) = split, sizeFits {
            return ustar(name: name, prefix: prefix, size: entry.size, mtime: mtime, type: UInt8(ascii: "0"))
        }
        var records: [String] = []
        if split == nil { records.append("path=\(entry.path)") }
        if !sizeFits { records.append("size=\(entry.size)") }
        let data = records.flatMap(paxRecord)
        var out = ustar(
            name: Array("PaxHeader".utf8),
            prefix: [],
            size: Int64(data.count),
            mtime: mtime,
            type: UInt8(ascii: "x")
        )
        out += data + padding(after: Int64(data.count))
        let (prefix, name) = split ?? ([], fallbackName(path))
        // With a PAX size the ustar field says 0: readers that ignore PAX then see an empty file, never a header.
        out += ustar(name: name, prefix: prefix, size: sizeFits ? entry.size : 0, mtime: mtime, type: UInt8(ascii: "0"))
        return out
    }

    /// One PAX record, `"<length> <key>=<value>\n"`, whose length counts its own digits.
    static func paxRecord(_ keyValue: String) -> [UInt8] {
        let record = " \(keyValue)\n"
        var length = record.utf8.count
        while "\(length)\(record)".utf8.count != length { length = "\(length)\(record)".utf8.count }
        return Array("\(length)\(record)".utf8)
    }

    /// The ustar name of a file whose path only PAX can hold, for readers without PAX: the last component's last 99
    /// bytes, cut at a UTF-8 boundary. A component has no `/`, so it can never start with `/` or `../`.
    static func fallbackName(_ path: [UInt8]) -> [UInt8] {
        let component = path.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? []
        var tail = Array(component.suffix(99))
        while let first = tail.first, first & 0xC0 == 0x80 { tail.removeFirst() }
        while tail.first == UInt8(ascii: "."), tail.allSatisfy({ $0 == UInt8(ascii: ".") }) { tail.removeFirst() }
        return tail.isEmpty ? Array("file".utf8) : tail
    }

    /// Splits a path into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a `/`, if possible.
    static func split(_ path: [UInt8]) -> ([UInt8], [UInt8])? {
        if path.count <= 100 { return ([], path) }
        for index in path.indices where path[index] == UInt8(ascii: "/") {
            let prefix = Array(path[..<index])
            let name = Array(path[(index + 1)...])
            if prefix.count <= 155 && name.count <= 100 && !name.isEmpty { return (prefix, name) }
        }
        return nil
    }

    static func ustar(name: [UInt8], prefix: [UInt8], size: Int64, mtime: Int64, type: UInt8) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, byte) in bytes.enumerated() { header[offset + i] = byte }
        }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148)
        header[156] = type
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let checksum = header.reduce(0) { $0 + Int64($1) }
        put(Array(String(checksum, radix: 8).leftPadded(6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return header
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
