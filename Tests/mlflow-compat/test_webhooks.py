"""MLflow 3 webhooks through the unmodified client: create, get, list, update, test, delete, and a real delivery of
registry events to a loopback receiver that verifies the signature exactly as MLflow's documentation tells receivers
to (HMAC-SHA256 of "delivery_id.timestamp.payload" with the secret, base64, after "v1,"; a fresh timestamp).

Webhooks are admin business, so every call here carries the bootstrap admin's token (MLFLOW_TRACKING_TOKEN).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from compat import MLFLOW_MAJOR, cairn_only

pytestmark = [cairn_only, pytest.mark.skipif(MLFLOW_MAJOR < 3, reason="webhooks came with MLflow 3.3")]

SECRET = "your-secret-key"


def verify_webhook_signature(payload: str, signature: str, secret: str, delivery_id: str, timestamp: str) -> bool:
    """MLflow's documented receiver check."""
    if not signature or not signature.startswith("v1,"):
        return False
    signed_content = f"{delivery_id}.{timestamp}.{payload}"
    expected = hmac.new(secret.encode("utf-8"), signed_content.encode("utf-8"), hashlib.sha256).digest()
    return hmac.compare_digest(signature.removeprefix("v1,"), base64.b64encode(expected).decode("utf-8"))


class Receiver:
    """A loopback HTTP server that records every POST and answers 200."""

    def __init__(self):
        self.received: list[dict] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                payload = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                owner.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "payload": payload})
                self.send_response(200)
                self.send_header("Content-Length", "8")
                self.end_headers()
                self.wfile.write(b"received")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/mlflow-hook"

    def wait_for(self, count: int, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def close(self):
        self.server.shutdown()


@pytest.fixture
def admin(cairn, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", cairn.admin_token())
    return MlflowClient()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def check_signed(request: dict) -> dict:
    headers = request["headers"]
    assert verify_webhook_signature(
        request["payload"],
        headers["x-mlflow-signature"],
        SECRET,
        headers["x-mlflow-delivery-id"],
        headers["x-mlflow-timestamp"],
    ), headers
    assert abs(time.time() - int(headers["x-mlflow-timestamp"])) < 300
    return json.loads(request["payload"])


def test_create_get_list_update_test_delete(admin, receiver):
    hook = admin.create_webhook(
        name="mlflow-hook", url=receiver.url, events=["model_version.created"], description="d", secret=SECRET
    )
    assert hook.name == "mlflow-hook" and hook.url == receiver.url and str(hook.status) == "ACTIVE"
    assert [(e.entity.value, e.action.value) for e in hook.events] == [("model_version", "created")]
    assert hook.creation_timestamp > 0
    assert admin.get_webhook(hook.webhook_id).name == "mlflow-hook"
    assert hook.webhook_id in [w.webhook_id for w in admin.list_webhooks()]

    updated = admin.update_webhook(hook.webhook_id, description="changed", status="DISABLED")
    assert updated.description == "changed" and str(updated.status) == "DISABLED"
    updated = admin.update_webhook(hook.webhook_id, status="ACTIVE")
    assert str(updated.status) == "ACTIVE"

    result = admin.test_webhook(hook.webhook_id)
    assert result.success and result.response_status == 200 and result.response_body == "received"
    body = check_signed(receiver.wait_for(1)[-1])
    assert body["entity"] == "model_version" and body["action"] == "created"
    assert body["data"]["name"] == "example_model" and body["data"]["version"] == "1"

    admin.delete_webhook(hook.webhook_id)
    with pytest.raises(MlflowException) as refused:
        admin.get_webhook(hook.webhook_id)
    assert refused.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_registry_events_are_delivered_signed(admin, receiver):
    hook = admin.create_webhook(
        name="mlflow-deliveries",
        url=receiver.url,
        events=["registered_model.created", "model_version.created", "model_version_alias.created"],
        secret=SECRET,
    )
    try:
        admin.create_registered_model("webhook-model", tags={"team": "risk"}, description="for webhooks")
        admin.create_model_version("webhook-model", source="s3://bucket/model", tags={"k": "v"}, description="v1")
        admin.set_registered_model_alias("webhook-model", "champion", "1")
        admin.set_model_version_tag("webhook-model", "1", "ignored", "not subscribed")
        received = receiver.wait_for(3)
        bodies = [check_signed(request) for request in received]
        events = [(b["entity"], b["action"]) for b in bodies]
        assert events == [
            ("registered_model", "created"),
            ("model_version", "created"),
            ("model_version_alias", "created"),
        ], events
        model, version, alias = (b["data"] for b in bodies)
        assert model == {"name": "webhook-model", "tags": {"team": "risk"}, "description": "for webhooks"}
        assert version["name"] == "webhook-model" and version["version"] == "1"
        assert version["source"] == "s3://bucket/model" and version["tags"] == {"k": "v"}
        assert version["description"] == "v1"
        assert alias == {"name": "webhook-model", "alias": "champion", "version": "1"}
        time.sleep(1)
        assert len(receiver.received) == 3, "the unsubscribed tag event was not sent"
    finally:
        admin.delete_webhook(hook.webhook_id)


def test_invalid_webhooks_are_refused(admin, receiver):
    with pytest.raises(MlflowException) as bad_url:
        admin.create_webhook(name="bad", url="http://169.254.169.254/latest", events=["model_version.created"])
    assert bad_url.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as prompt:
        admin.create_webhook(name="prompts", url=receiver.url, events=["prompt.created"])
    assert prompt.value.error_code == "INVALID_PARAMETER_VALUE" and "prompt" in prompt.value.message
