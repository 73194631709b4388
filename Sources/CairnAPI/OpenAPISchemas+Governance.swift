/// JSON Schemas of the governance bodies (`CairnWire/GovernanceDTOs.swift`).
extension OpenAPISchemas {
    static var governance: [String: Any] {
        let boolean: [String: Any] = ["type": "boolean"]
        let intList = array(integer)
        let gates = object([
            "metrics": array(string), "metrics_source": ["type": "string", "enum": ["version", "run"]],
            "model_card": array(string), "signature": boolean, "dataset_digest": boolean,
            "tags": array(string),
        ])
        let rule = object([
            "approvals": ["type": "integer", "minimum": 0, "maximum": 20], "separation_of_duties": boolean,
            "archive_existing": boolean, "gates": gates,
        ])
        let stageChange = object(
            [
                "sequence": integer, "time": timestamp, "actor": string, "version": integer, "from": string,
                "to": string, "archived": intList, "request": nullableString, "rollback_reason": nullableString,
            ],
            required: ["sequence", "time", "actor", "version", "from", "to", "archived"]
        )
        return [
            "PolicyRule": rule,
            "PolicyDocument": object(
                [
                    "stages": ["type": "object", "additionalProperties": ref("PolicyRule")],
                    "aliases": ["type": "object", "additionalProperties": ref("PolicyRule")],
                ]
            ),
            "Policy": object(
                [
                    "source": ["type": "string", "enum": ["model", "default", "none"]], "model": nullableString,
                    "policy": ["oneOf": [ref("PolicyDocument"), ["type": "null"]]], "updated_by": nullableString,
                    "updated_at": ["type": ["string", "null"], "format": "date-time"],
                ],
                required: ["source"]
            ),
            "GateResult": object(
                ["gate": string, "expression": string, "observed": stringMap, "passed": boolean, "message": string],
                required: ["gate", "expression", "observed", "passed", "message"]
            ),
            "Decision": object(
                [
                    "approver": string, "verdict": ["type": "string", "enum": ["approve", "reject"]],
                    "comment": string, "time": timestamp,
                ],
                required: ["approver", "verdict", "comment", "time"]
            ),
            "TransitionRequest": object(
                [
                    "id": string, "model": string, "version": integer, "version_id": string, "target": string,
                    "archive_existing": boolean, "requested_by": string, "comment": string,
                    "state": [
                        "type": "string", "enum": ["pending", "approved", "rejected", "cancelled", "superseded"],
                    ],
                    "required_approvals": integer, "separation_of_duties": boolean,
                    "decisions": array(ref("Decision")), "gate_results": array(ref("GateResult")),
                    "rule": ref("PolicyRule"), "created_at": timestamp, "updated_at": timestamp,
                    "resolved_by": nullableString, "resolution": string,
                ],
                required: [
                    "id", "model", "version", "version_id", "target", "archive_existing", "requested_by", "comment",
                    "state", "required_approvals", "separation_of_duties", "decisions", "gate_results", "rule",
                    "created_at", "updated_at", "resolution",
                ]
            ),
            "TransitionRequestList": object(
                [
                    "requests": array(ref("TransitionRequest")),
                    "next_page_token": nullableString,
                ],
                required: ["requests"]
            ),
            "PromoteRequest": object([
                "stage": ["type": "string", "enum": ["None", "Staging", "Production", "Archived"]], "alias": string,
                "archive_existing": boolean, "comment": string,
            ]),
            "TransitionOutcome": object(
                [
                    "applied": boolean, "version": ref("Version"),
                    "request": ["oneOf": [ref("TransitionRequest"), ["type": "null"]]],
                ],
                required: ["applied", "version"]
            ),
            "DecisionRequest": object(["comment": string]),
            "ModelCardFields": object([
                "intended_use": string, "training_data": string, "evaluation_metrics": numberMap,
                "fairness_metrics": numberMap, "limitations": string, "ethical_considerations": string,
                "markdown": string,
            ]),
            "ModelCard": object(
                [
                    "model": string, "version": integer, "revision": integer, "updated_by": string,
                    "updated_at": timestamp, "card": ref("ModelCardFields"),
                ],
                required: ["model", "version", "revision", "updated_by", "updated_at", "card"]
            ),
            "SetModelCardRequest": object(
                ["card": ref("ModelCardFields"), "expected_revision": integer],
                required: ["card"]
            ),
            "RollbackRequest": object(["reason": string], required: ["reason"]),
            "Rollback": object(["restored": ref("Version"), "archived": intList], required: ["restored", "archived"]),
            "StageChange": stageChange,
            "StageHistory": object(
                [
                    "model": string, "at": timestamp,
                    "stages": ["type": "object", "additionalProperties": intList],
                    "changes": array(ref("StageChange")),
                ],
                required: ["model", "at", "stages", "changes"]
            ),
            "Provenance": object(
                [
                    "version": ref("Version"), "card": ref("ModelCard"), "requests": array(ref("TransitionRequest")),
                    "stage_changes": array(ref("StageChange")),
                ],
                required: ["version", "card", "requests", "stage_changes"]
            ),
            "AuditLog": object(
                ["events": array(ref("Event")), "next_after": ["type": ["integer", "null"]]],
                required: ["events"]
            ),
            "ChainHead": object(
                ["sequence": integer, "hash": string, "time": timestamp],
                required: ["sequence", "hash", "time"]
            ),
            "ChainBreak": object(
                [
                    "sequence": integer,
                    "kind": [
                        "type": "string",
                        "enum": ["altered", "deleted", "inserted", "reordered", "truncated", "diverged"],
                    ],
                    "reason": string,
                ],
                required: ["sequence", "kind", "reason"]
            ),
            "AuditVerification": object(
                [
                    "intact": boolean, "checked": integer,
                    "head": ["oneOf": [ref("ChainHead"), ["type": "null"]]],
                    "broken": ["oneOf": [ref("ChainBreak"), ["type": "null"]]],
                ],
                required: ["intact", "checked"]
            ),
        ]
    }
}
