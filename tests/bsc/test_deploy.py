"""The deployment files agree with each other and with the settings.

Docker does not run on the development machines, so these tests read the files:
docker-compose.yml must parse, and the pieces the documentation promises must
be in it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DJANGO_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_set(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_the_django_services_share_one_build_and_the_env_file(compose):
    services = compose["services"]
    for name in DJANGO_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == services["web"]["image"], name
        assert services[name]["env_file"] == ".env", name
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name


def test_the_services_they_wait_for_have_health_checks(compose):
    assert "pg_isready" in " ".join(compose["services"]["db"]["healthcheck"]["test"])
    assert "ping" in compose["services"]["redis"]["healthcheck"]["test"]


def test_web_migrates_before_gunicorn_starts(compose):
    command = " ".join(compose["services"]["web"]["command"])
    assert re.search(r"manage\.py migrate --noinput && exec gunicorn bsc\.wsgi", command)


def test_worker_and_beat_run_celery(compose):
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "bsc", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "bsc", "beat"]


def test_every_variable_compose_needs_is_in_env_example(compose):
    used = set(re.findall(r"\$\{([A-Z_]+)", (REPO / "docker-compose.yml").read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert used <= listed


def test_the_image_runs_as_a_non_root_user_with_a_health_check():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER bsc$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "collectstatic --noinput" in dockerfile
