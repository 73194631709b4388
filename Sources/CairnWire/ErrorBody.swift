/// The one error shape of the native API: `{"code": "NOT_FOUND", "message": "…", "request_id": "…"}`.
public struct ErrorBody: Codable, Sendable, Hashable {
    /// A stable code (`INVALID_ARGUMENT`, `NOT_FOUND`, `ALREADY_EXISTS`, `FAILED_PRECONDITION`, …).
    public var code: String
    /// What happened and how to fix it.
    public var message: String
    public var requestId: String?

    public init(code: String, message: String, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
    }
}
