import CairnHTTP
import Foundation
import HTTPTypes

/// Builds the OpenAPI 3.1 document of the native API from the route table and the schemas below.
///
/// Paths, methods, parameters and statuses come from ``Endpoint``s, so they cannot drift from what the router serves;
/// schemas are written here next to each other and checked against encoded DTOs by the API tests.
enum OpenAPIDocument {
    static func build(endpoints: [Endpoint], version: String) -> [UInt8] {
        var paths: [String: [String: Any]] = [:]
        for endpoint in endpoints {
            var operation: [String: Any] = [
                "operationId": endpoint.operationID,
                "summary": endpoint.summary,
                "responses": responses(endpoint),
            ]
            var parameters: [[String: Any]] = endpoint.pathParameters.map { name -> [String: Any] in
                let schema: [String: Any] = name == "version" ? ["type": "integer", "minimum": 1] : ["type": "string"]
                return [
                    "name": name, "in": "path", "required": true,
                    "schema": schema,
                    "description": name == "path"
                        ? "The file's path inside the version; each segment percent-encoded, '/' kept."
                        : "Percent-encoded \(name).",
                ]
            }
            parameters += endpoint.query.map { query in
                let schema: [String: Any] =
                    query.repeated ? ["type": "array", "items": ["type": query.type]] : ["type": query.type]
                return [
                    "name": query.name, "in": "query", "required": query.name == "uri",
                    "description": query.description, "schema": schema,
                ]
            }
            if endpoint.requestBody == "binary" {
                parameters.append([
                    "name": "X-Cairn-Digest", "in": "header", "required": false,
                    "description": "Expected SHA-256 (sha256:<hex>); a mismatch is refused with 422.",
                    "schema": ["type": "string", "pattern": "^(sha256:)?[0-9a-fA-F]{64}$"],
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            operation["x-cairn-rule"] = endpoint.rule.description
            if endpoint.rule == .public { operation["security"] = [[String: Any]]() }
            if let body = endpoint.requestBody {
                let content: [String: Any] =
                    body == "binary"
                    ? [
                        "application/octet-stream": [
                            "schema": ["type": "string", "contentMediaType": "application/octet-stream"]
                        ]
                    ]
                    : ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]
                operation["requestBody"] = ["required": true, "content": content]
            }
            paths[endpoint.path, default: [:]][endpoint.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Cairn native API",
                "version": version,
                "description": "Catalog, immutable versions with content-addressed files, aliases and resolution. "
                    + "Each operation's x-cairn-rule says who may call it: public, authenticated (admins or the "
                    + "account itself) or requires(read|write|delete|administer).",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all.merging(OpenAPISchemas.identity) { first, _ in first }
                    .merging(OpenAPISchemas.governance) { first, _ in first }
                    .merging(OpenAPISchemas.webhooks) { first, _ in first },
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "An API token (cairn_…)."],
                    "basic": ["type": "http", "scheme": "basic", "description": "Account name and password or token."],
                ],
            ],
            "security": [["bearer": [String]()], ["basic": [String]()], [String: Any]()],
        ]
        let data = try? JSONSerialization.data(
            withJSONObject: document,
            options: [.sortedKeys, .withoutEscapingSlashes]
        )
        return Array(data ?? Data())
    }

    static func responses(_ endpoint: Endpoint) -> [String: Any] {
        var out: [String: Any] = [:]
        let (status, schema) = endpoint.success
        switch schema {
        case nil: out["\(status)"] = ["description": "Done."]
        case "binary":
            out["\(status)"] = [
                "description": "The file's bytes.",
                "content": ["application/octet-stream": ["schema": ["type": "string"]]],
            ]
            out["206"] = ["description": "The requested byte range."]
            out["304"] = ["description": "Not modified (If-None-Match matched the ETag)."]
        case "tar":
            out["\(status)"] = [
                "description": "A POSIX tar stream of every file.",
                "content": ["application/x-tar": ["schema": ["type": "string"]]],
            ]
        case let name?:
            out["\(status)"] = [
                "description": "Success.",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(name)"]]],
            ]
        }
        var codes = endpoint.errors
        switch endpoint.rule {
        case .public: break
        case .authenticated: codes += [401, 403]
        case .requires: codes += [401, 403]
        case .partToken: codes += [401, 403]
        }
        for code in codes {
            out["\(code)"] = [
                "description": errorDescriptions[code] ?? "Error.",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        return out
    }

    static let errorDescriptions: [Int: String] = [
        400: "INVALID_ARGUMENT: the request is malformed; the message names the field and the rule.",
        404: "NOT_FOUND: the model, version, file or alias does not exist.",
        409: "ALREADY_EXISTS or FAILED_PRECONDITION: a name is taken, or the version is not in the needed state.",
        413: "PAYLOAD_TOO_LARGE: the JSON body exceeds 1 MiB.",
        415: "UNSUPPORTED_MEDIA_TYPE: wrong Content-Type.",
        416: "RANGE_NOT_SATISFIABLE: the range lies outside the file.",
        401: "UNAUTHENTICATED: credentials are missing where anonymous access cannot do this, or were refused. "
            + "The WWW-Authenticate header names the schemes.",
        403: "PERMISSION_DENIED: the account lacks the role this needs; the message names it.",
        422: "DIGEST_MISMATCH: the bytes do not match the announced digest or length; nothing was stored.",
    ]
}
