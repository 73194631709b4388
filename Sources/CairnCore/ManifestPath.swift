import Foundation

/// The rule for file paths inside a version's manifest.
///
/// A manifest path is a relative, `/`-separated path of at most 1,024 bytes with segments of at most 255 bytes. It
/// has no empty segment, no `.` or `..` segment (also after Unicode compatibility folding, so `．．` is refused), no
/// backslash, no `%` (so no percent-encoded form can decode to something else later), no control characters, and no
/// U+FFFD (undecodable or overlong UTF-8). Paths are names inside a manifest only: the server derives every storage
/// location from a digest, so a path can never address the file system.
///
/// Every rule is checked on Unicode scalars, never on `Character`s: a combining mark after `/` or `\` makes one
/// grapheme with it, which a `Character` comparison would not see as a separator, while every file system and
/// client splits on the byte.
public enum ManifestPath {
    public static let maxLength = 1024
    public static let maxSegmentLength = 255

    /// Validates `path` and returns it unchanged.
    /// - Throws: `RegistryError` `.invalidArgument` naming the broken rule.
    @discardableResult
    public static func validate(_ path: String) throws(RegistryError) -> String {
        try validateForm(path)
        // A client that folds compatibility characters (NFKC, or a legacy code page's "best fit") would turn
        // '．．／x' into '../x': the folded form must be safe too.
        let folded = path.precomposedStringWithCompatibilityMapping
        if folded != path {
            do {
                try validateForm(folded)
            } catch {
                throw .invalid(
                    "File path '\(path.prefix(120))' becomes '\(folded.prefix(120))' under Unicode compatibility "
                        + "folding, which is not a safe path: \(error.message)"
                )
            }
        }
        return path
    }

    private static func validateForm(_ path: String) throws(RegistryError) {
        let shown = String(path.prefix(120))
        guard !path.isEmpty else { throw .invalid("A file path must not be empty.") }
        guard path.utf8.count <= maxLength else {
            throw .invalid("File path is \(path.utf8.count) bytes; use at most \(maxLength).")
        }
        let scalars = path.unicodeScalars
        if scalars.first == "/" {
            throw .invalid("File path '\(shown)' is absolute; send a path relative to the version root.")
        }
        if scalars.contains("\\") {
            throw .invalid("File path '\(shown)' contains a backslash; separate directories with '/'.")
        }
        if scalars.contains("%") {
            throw .invalid("File path '\(shown)' contains '%'; send the decoded path, without percent-encoding.")
        }
        if scalars.contains(where: TextRules.isDisallowedScalar) {
            throw .invalid("File path contains a control character, NUL or undecodable bytes.")
        }
        if scalars.first == "~" || scalars.dropFirst().first == ":" {
            throw .invalid("File path '\(shown)' looks like a home or drive path; send a plain relative path.")
        }
        for segment in scalars.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty {
                throw .invalid("File path '\(shown)' has an empty segment ('//' or a trailing '/').")
            }
            if String(segment).utf8.count > maxSegmentLength {
                throw .invalid("A segment of '\(shown)' is longer than \(maxSegmentLength) bytes.")
            }
            if segment.elementsEqual(".".unicodeScalars) || segment.elementsEqual("..".unicodeScalars) {
                throw .invalid("File path '\(shown)' contains a '.' or '..' segment; send a normalized path.")
            }
            if segment.first!.properties.isWhitespace || segment.last!.properties.isWhitespace {
                throw .invalid("A segment of '\(shown)' starts or ends with white space.")
            }
        }
    }
}
