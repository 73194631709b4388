/// The one error type of the registry.
///
/// Every failure that a caller can act on is a `RegistryError` with a stable ``Code``; each API surface maps codes to
/// its own status codes in exactly one place. The ``message`` says what happened *and how to fix it*; it is safe to
/// show to the caller. ``underlying`` keeps the cause for logs and is never sent over the wire.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code. Extensible: new codes are new static members, never new error types.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The request is malformed: a bad name, path, digest, field or value. Fix the input and retry.
        public static let invalidArgument = Code("INVALID_ARGUMENT")
        /// The named resource does not exist.
        public static let notFound = Code("NOT_FOUND")
        /// A resource with that identity already exists.
        public static let alreadyExists = Code("ALREADY_EXISTS")
        /// The resource is not in a state that allows the operation (for example, uploading to a sealed version).
        public static let failedPrecondition = Code("FAILED_PRECONDITION")
        /// A policy guards the change: it waits in a pending transition request (its id is in the message), created
        /// by this call (superseding older pending requests for the same target) or already pending for the same
        /// version, and is applied once the request is approved.
        public static let approvalRequired = Code("APPROVAL_REQUIRED")
        /// The content does not match what the client said it would be (digest or length).
        public static let digestMismatch = Code("DIGEST_MISMATCH")
        /// The request body is larger than this endpoint accepts.
        public static let payloadTooLarge = Code("PAYLOAD_TOO_LARGE")
        /// The request body has a content type this endpoint does not accept.
        public static let unsupportedMediaType = Code("UNSUPPORTED_MEDIA_TYPE")
        /// A byte range outside the file was requested.
        public static let rangeNotSatisfiable = Code("RANGE_NOT_SATISFIABLE")
        /// The caller is not authenticated.
        public static let unauthenticated = Code("UNAUTHENTICATED")
        /// The caller is authenticated but not allowed to do this.
        public static let permissionDenied = Code("PERMISSION_DENIED")
        /// A transient condition (a busy database, a closing server); retrying later may succeed.
        public static let unavailable = Code("UNAVAILABLE")
        /// A bug or an unexpected failure of a backend. Never used for bad input.
        public static let internalError = Code("INTERNAL")
    }

    public var code: Code
    /// What happened and how to fix it. Shown to callers.
    public var message: String
    /// The cause, for logs only.
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message) [\(file):\(line)]"
        if let underlying { text += " caused by: \(underlying)" }
        return text
    }
}

extension RegistryError {
    static func invalid(_ message: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.invalidArgument, message, file: file, line: line)
    }

    static func modelNotFound(_ name: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(
            .notFound,
            "Registered model '\(name)' does not exist. List models with `cairn models list`.",
            file: file,
            line: line
        )
    }

    static func versionNotFound(
        _ name: String,
        _ version: Int,
        file: String = #fileID,
        line: Int = #line
    ) -> RegistryError {
        RegistryError(
            .notFound,
            "Model '\(name)' has no version \(version). List versions with `cairn versions list \(name)`.",
            file: file,
            line: line
        )
    }
}
