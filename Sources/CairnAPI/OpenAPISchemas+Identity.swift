import CairnCore

/// JSON Schemas of the identity bodies (`CairnWire/IdentityDTOs.swift`).
extension OpenAPISchemas {
    static var identity: [String: Any] {
        let role: [String: Any] = ["type": "string", "enum": Role.allCases.map(\.rawValue)]
        let grant = object(
            ["role": role, "scope": ["type": "string", "enum": ["global", "model", "prefix"]], "target": string],
            required: ["role", "scope"]
        )
        let token = object(
            [
                "id": string, "account": string, "description": string, "created_at": timestamp,
                "expires_at": nullableTimestamp, "revoked_at": nullableTimestamp, "last_used_at": nullableTimestamp,
            ],
            required: ["id", "account", "description", "created_at"]
        )
        return [
            "Grant": grant,
            "GrantList": object(["grants": array(ref("Grant"))], required: ["grants"]),
            "Account": object(
                [
                    "id": string, "name": string, "kind": ["type": "string", "enum": ["user", "service_account"]],
                    "disabled": ["type": "boolean"], "grants": array(ref("Grant")), "created_by": string,
                    "created_at": timestamp, "updated_by": string, "updated_at": timestamp,
                ],
                required: ["id", "name", "kind", "disabled", "grants", "created_by", "created_at"]
            ),
            "AccountList": object(["accounts": array(ref("Account"))], required: ["accounts"]),
            "CreateAccountRequest": object(
                ["name": string, "kind": ["type": "string", "enum": ["user", "service_account"]]],
                required: ["name"]
            ),
            "SetPasswordRequest": object(
                ["password": ["type": "string", "minLength": 12], "current_password": ["type": "string"]],
                required: ["password"]
            ),
            "Token": token,
            "TokenList": object(["tokens": array(ref("Token"))], required: ["tokens"]),
            "CreateTokenRequest": object(["description": string, "expires_at": timestamp]),
            "NewToken": object(["token": ref("Token"), "secret": string], required: ["token", "secret"]),
            "WhoAmI": object(
                [
                    "name": string,
                    "kind": ["type": "string", "enum": ["user", "service_account", "anonymous", "system"]],
                    "grants": array(ref("Grant")),
                ],
                required: ["name", "kind", "grants"]
            ),
        ]
    }

    static var nullableTimestamp: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
}
