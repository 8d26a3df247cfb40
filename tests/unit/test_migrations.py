"""Schema migrations carry data that was stored before them."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from showdesk.adapters.storage.schema_sql import MIGRATIONS


def _upgrade(conn: object, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def test_flows_saved_before_versions_were_kept_get_their_current_definition_as_a_version(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    definition = {"name": "Old Flow", "type": "webchat", "start": "route", "blocks": {}}
    with engine.begin() as conn:
        _upgrade(conn, "0002")
        conn.execute(text("INSERT INTO organizations VALUES ('o', 'O', 'CX 3', '[]', 10)"))
        conn.execute(
            text("INSERT INTO flows VALUES ('f1', 'o', 'Old Flow', 'webchat', :d, 3, 3, :d, NULL)"),
            {"d": json.dumps(definition)},
        )
    with engine.begin() as conn:
        _upgrade(conn, "head")
        rows = conn.execute(text("SELECT id, flow_id, version, definition FROM flow_versions")).all()
    assert [(r.id, r.flow_id, r.version, json.loads(r.definition)) for r in rows] == [("f1:3", "f1", 3, definition)]
