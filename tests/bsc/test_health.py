"""``/healthz``: what the Docker HEALTHCHECK and a load balancer ask."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bsc import health

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def test_it_reports_the_database_ok_and_redis_not_configured(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_it_is_never_cached(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_sign_in(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").status_code == 200


@pytest.mark.redis
def test_it_reports_redis_ok_when_configured(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_it_answers_503_when_redis_does_not_answer(client, settings):
    # Nothing listens on port 1: a real refused connection, not a stub.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "redis": "error: ConnectionError",
    }


def test_it_answers_503_when_the_database_check_fails(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "_check_database", lambda: "error: OperationalError")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error: OperationalError",
        "redis": "not configured",
    }


PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/healthz")
body = response.json() if response["Content-Type"] == "application/json" else None
print(json.dumps({"status": response.status_code, "body": body}))
"""


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param({"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, id="postgres-down"),
        pytest.param({"SQLITE_PATH": "/nonexistent/folder/db.sqlite3"}, id="sqlite-unopenable"),
    ],
)
def test_it_answers_503_when_the_database_is_really_unreachable(broken):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
        and not key.startswith("DJANGO_")
    }
    env.update(DJANGO_SETTINGS_MODULE="bsc.settings", ALLOWED_HOSTS="testserver", **broken)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 503, done.stderr[-2000:]
    assert result["body"]["database"] == "error: OperationalError"
