"""`cairn audit verify` against a database edited behind the server's back, as someone with write access to the file.

Each case: a fresh `cairn serve` records a small history (through the MLflow client and the CLI), the chain head is
exported, the server stops, the SQLite file is edited directly with Python's sqlite3, the server starts again on the
same data, and `cairn audit verify` must exit 1 naming the first broken entry and what was done to it.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from mlflow.tracking import MlflowClient

from compat import cairn_only
from conftest import _start_cairn

pytestmark = cairn_only


@pytest.fixture(autouse=True)
def _admin(monkeypatch):
    """The CLI acts as the bootstrap admin of whichever server the test started (set once its token exists)."""
    return monkeypatch


def _history(workdir, monkeypatch):
    server = _start_cairn(workdir)
    monkeypatch.setenv("CAIRN_TOKEN", server.admin_token())
    client = MlflowClient(tracking_uri=server.url, registry_uri=server.url)
    client.create_registered_model("audited")
    for index in range(4):
        client.set_registered_model_tag("audited", f"k{index}", "v")
    client.update_registered_model("audited", description="tamper target")
    server.cli("audit", "head", "--out", str(workdir / "head.json"))
    server.stop()
    return server


def _restart(workdir, server):
    again = _start_cairn(workdir)
    assert again.data == server.data
    return again


def _tamper(data, statements):
    db = sqlite3.connect(data / "cairn.sqlite")
    try:
        for sql, args in statements:
            db.execute(sql, args)
        db.commit()
    finally:
        db.close()


def _max_sequence(data) -> int:
    db = sqlite3.connect(data / "cairn.sqlite")
    try:
        return db.execute("SELECT max(sequence) FROM events").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize(
    "case, statements, kind",
    [
        ("altered", [("UPDATE events SET payload = '{\"description\":\"nothing\"}' WHERE sequence = 3", ())], "altered"),
        ("deleted", [("DELETE FROM events WHERE sequence = 3", ())], "deleted"),
        (
            "reordered",
            [
                ("UPDATE events SET sequence = -1 WHERE sequence = 3", ()),
                ("UPDATE events SET sequence = 3 WHERE sequence = 4", ()),
                ("UPDATE events SET sequence = 4 WHERE sequence = -1", ()),
            ],
            "reordered",
        ),
        ("actor", [("UPDATE events SET actor = 'someone-else' WHERE sequence = 4", ())], "altered"),
    ],
)
def test_verify_names_the_first_broken_entry(tmp_path, _admin, case, statements, kind):
    server = _history(tmp_path, _admin)
    intact = _restart(tmp_path, server)
    try:
        assert "intact:" in intact.cli("audit", "verify").stdout
    finally:
        intact.stop()
    _tamper(server.data, statements)
    tampered = _restart(tmp_path, server)
    try:
        done = tampered.cli("audit", "verify", check=False)
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"({kind})" in done.stdout, done.stdout
        assert "broken at entry" in done.stdout
    finally:
        tampered.stop()


def test_a_cut_tail_shows_only_against_the_exported_head(tmp_path, _admin):
    server = _history(tmp_path, _admin)
    head = json.loads((tmp_path / "head.json").read_text())
    assert head["sequence"] == _max_sequence(server.data)
    _tamper(server.data, [("DELETE FROM events WHERE sequence >= ?", (head["sequence"] - 1,))])
    tampered = _restart(tmp_path, server)
    try:
        alone = tampered.cli("audit", "verify", check=False)
        assert alone.returncode == 0, "a log cut at its end is consistent with itself"
        against = tampered.cli("audit", "verify", "--head", str(tmp_path / "head.json"), check=False)
        assert against.returncode == 1 and "(truncated)" in against.stdout, against.stdout + against.stderr
    finally:
        tampered.stop()
