/// Where a file transfer (or a whole push or pull) stands, reported to a progress callback.
///
/// Callbacks come in order from the transferring task: `hashing` (uploads only, while the digest is computed),
/// `transferring` as bytes move, and `finished` once the file is verified. Byte counts never decrease.
public struct TransferProgress: Sendable, Hashable {
    /// What is happening to the current file.
    public enum Phase: Sendable, Hashable {
        /// Computing the SHA-256 of a file before uploading it.
        case hashing
        /// Bytes are moving.
        case transferring
        /// The file is complete and its digest verified.
        case finished
    }

    public var phase: Phase
    /// The manifest path of the current file.
    public var path: String
    /// The current file's position (0-based) among ``fileCount`` files.
    public var fileIndex: Int
    public var fileCount: Int
    /// Bytes of the current file hashed or transferred so far.
    public var fileBytes: Int64
    /// The current file's size.
    public var fileSize: Int64
    /// Bytes transferred over all files so far (hashing does not count).
    public var completedBytes: Int64
    /// Bytes to transfer over all files.
    public var totalBytes: Int64

    /// Creates a progress report.
    public init(
        phase: Phase,
        path: String,
        fileIndex: Int = 0,
        fileCount: Int = 1,
        fileBytes: Int64,
        fileSize: Int64,
        completedBytes: Int64,
        totalBytes: Int64
    ) {
        self.phase = phase
        self.path = path
        self.fileIndex = fileIndex
        self.fileCount = fileCount
        self.fileBytes = fileBytes
        self.fileSize = fileSize
        self.completedBytes = completedBytes
        self.totalBytes = totalBytes
    }

    /// ``completedBytes`` over ``totalBytes``, in 0…1 (1 for an empty transfer).
    public var fraction: Double {
        totalBytes > 0 ? min(1, max(0, Double(completedBytes) / Double(totalBytes))) : 1
    }
}

/// A progress callback. It is called from the transferring task, in order; keep it fast.
public typealias TransferProgressHandler = @Sendable (TransferProgress) -> Void

/// Text helpers for progress displays and listings.
public enum TransferFormatting {
    /// `0 B`, `999 B`, `1.0 KB`, `12.3 MB`, `4.00 GB` (decimal units, as storage sizes are usually shown).
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(count)
        var unit = 0
        while abs(value) >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let digits = abs(value) < 10 ? 2 : (abs(value) < 100 ? 1 : 0)
        return fixed(value, digits: digits) + " " + units[unit]
    }

    /// `12.3 MB/s`; `--` when the rate is unknown (no time has passed yet).
    public static func rate(bytesPerSecond: Double?) -> String {
        guard let rate = bytesPerSecond, rate.isFinite, rate >= 0 else { return "--/s" }
        return bytes(Int64(rate.rounded())) + "/s"
    }

    /// `0:07`, `12:34`, `1:02:03`; `--:--` when unknown.
    public static func duration(seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0, seconds < 360_000 else { return "--:--" }
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
        return h > 0 ? "\(h):\(pad(m)):\(pad(s))" : "\(m):\(pad(s))"
    }

    /// A bar such as `[=========>          ]` with `width` cells between the brackets.
    public static func bar(fraction: Double, width: Int) -> String {
        let width = max(1, width)
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let filled = Int((clamped * Double(width)).rounded(.down))
        if filled >= width { return "[" + String(repeating: "=", count: width) + "]" }
        return "[" + String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: width - filled - 1)
            + "]"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var text = (value < 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(scaled % Int64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
