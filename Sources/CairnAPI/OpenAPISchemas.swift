/// JSON Schemas (OpenAPI 3.1 dialect) of the native API's bodies. Property names are the wire's snake_case names.
enum OpenAPISchemas {
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required, "additionalProperties": false]
    }
    static var string: [String: Any] { ["type": "string"] }
    static var nullableString: [String: Any] { ["type": ["string", "null"]] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var timestamp: [String: Any] { ["type": "string", "format": "date-time"] }
    static var stringMap: [String: Any] { ["type": "object", "additionalProperties": ["type": "string"]] }
    static var numberMap: [String: Any] { ["type": "object", "additionalProperties": ["type": "number"]] }
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ item: [String: Any]) -> [String: Any] { ["type": "array", "items": item] }
    static func nullable(_ name: String) -> [String: Any] { ["oneOf": [ref(name), ["type": "null"]]] }

    static var all: [String: Any] {
        [
            "Error": object(
                ["code": string, "message": string, "request_id": nullableString],
                required: ["code", "message"]
            ),
            "Health": object(["status": string], required: ["status"]),
            "OpenAPIDocument": ["type": "object"],
            "Model": object(
                [
                    "id": string, "name": string, "description": string, "tags": stringMap,
                    "aliases": array(ref("Alias")), "latest_version": ["type": ["integer", "null"]],
                    "created_by": string, "created_at": timestamp, "updated_by": string, "updated_at": timestamp,
                ],
                required: ["id", "name", "description", "tags", "aliases", "created_by", "created_at"]
            ),
            "CreateModelRequest": object(
                ["name": string, "description": string, "tags": stringMap],
                required: ["name"]
            ),
            "UpdateDescriptionRequest": object(["description": string], required: ["description"]),
            "RenameModelRequest": object(["new_name": string], required: ["new_name"]),
            "SetTagRequest": object(["value": string], required: ["value"]),
            "ModelList": object(
                ["models": array(ref("Model")), "next_page_token": nullableString],
                required: ["models"]
            ),
            "Alias": object(["alias": string, "version": integer], required: ["alias", "version"]),
            "SetAliasRequest": object(["version": integer], required: ["version"]),
            "AliasList": object(["aliases": array(ref("Alias"))], required: ["aliases"]),
            "Dataset": object(
                ["name": string, "digest": string, "uri": nullableString, "context": nullableString],
                required: ["name", "digest"]
            ),
            "Signature": object(["inputs": nullableString, "outputs": nullableString, "params": nullableString]),
            "Version": object(
                [
                    "model": string, "version": integer, "id": string,
                    "status": ["type": "string", "enum": ["PENDING", "READY", "FAILED"]],
                    "status_message": string,
                    "stage": ["type": "string", "enum": ["None", "Staging", "Production", "Archived"]],
                    "description": string, "tags": stringMap, "source": nullableString, "run_id": nullableString,
                    "run_link": nullableString, "datasets": array(ref("Dataset")), "params": stringMap,
                    "metrics": numberMap, "signature": nullable("Signature"), "manifest_digest": nullableString,
                    "file_count": ["type": ["integer", "null"]], "total_size": ["type": ["integer", "null"]],
                    "created_by": string, "created_at": timestamp, "updated_by": string, "updated_at": timestamp,
                ],
                required: ["model", "version", "id", "status", "stage", "created_by", "created_at"]
            ),
            "CreateVersionRequest": object([
                "description": string, "tags": stringMap, "source": string, "run_id": string, "run_link": string,
                "datasets": array(ref("Dataset")), "params": stringMap, "metrics": numberMap,
                "signature": ref("Signature"),
            ]),
            "VersionList": object(
                ["versions": array(ref("Version")), "next_page_token": nullableString],
                required: ["versions"]
            ),
            "File": object(
                ["path": string, "digest": string, "size": integer, "media_type": string],
                required: ["path", "digest", "size", "media_type"]
            ),
            "Manifest": object(
                [
                    "model": string, "version": integer, "sealed": ["type": "boolean"], "digest": nullableString,
                    "total_size": integer, "files": array(ref("File")),
                ],
                required: ["model", "version", "sealed", "total_size", "files"]
            ),
            "Resolve": object(
                ["uri": string, "version": ref("Version"), "manifest": ref("Manifest")],
                required: ["uri", "version", "manifest"]
            ),
            "Event": object(
                [
                    "sequence": integer, "time": timestamp, "actor": string, "action": string, "subject": string,
                    "payload": string, "prev_hash": string, "hash": string, "model_id": nullableString,
                ],
                required: ["sequence", "time", "actor", "action", "subject", "payload", "prev_hash", "hash"]
            ),
            "EventList": object(
                ["events": array(ref("Event")), "next_after": ["type": ["integer", "null"]]],
                required: ["events"]
            ),
        ]
    }
}
