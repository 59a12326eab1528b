"""Settings from the environment: strict helpers, the embedded default, production checks.

The settings module is read once per process, so every test of what it does with
a given environment starts a fresh Python in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bsc.env import env_bool, env_int, env_list, env_secret, parse_email_url

REPO = Path(__file__).resolve().parents[2]
# Everything the settings read; removed from the subprocess environment so the
# caller's shell (or CI's DATABASE_URL/REDIS_URL) cannot change the outcome.
SETTINGS_VARIABLES = re.compile(
    r"env_(?:str|bool|int|list|secret)\(\s*\"([A-Z0-9_]+)\"",
)


def setting_names() -> set[str]:
    return set(SETTINGS_VARIABLES.findall((REPO / "bsc" / "settings.py").read_text()))


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_* too: DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for this
    # process, is itself an error for check --deploy.
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in setting_names()
        and not key.endswith("_FILE")
        and not key.startswith("DJANGO_")
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "bsc.settings", **env})
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "ATOMIC_REQUESTS": s.DATABASES["default"]["ATOMIC_REQUESTS"],
    "CONN_MAX_AGE": s.DATABASES["default"].get("CONN_MAX_AGE"),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "BROKER": s.CELERY_BROKER_URL,
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
}))
"""


def settings_with(**env: str) -> dict[str, object]:
    done = run_python(["-c", PRINT_SETTINGS], **env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The helpers --------------------------------------------------------------


@pytest.mark.parametrize("raw", ["flase", "ture", "2", "enabled"])
def test_env_bool_rejects_a_typo(monkeypatch, raw):
    monkeypatch.setenv("BSC_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="BSC_TEST_FLAG must be True or False"):
        env_bool("BSC_TEST_FLAG", True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("True", True), ("yes", True), ("1", True), ("False", False), ("off", False)],
)
def test_env_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("BSC_TEST_FLAG", raw)
    assert env_bool("BSC_TEST_FLAG", not expected) is expected


def test_env_bool_falls_back_to_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("BSC_TEST_FLAG", raising=False)
    assert env_bool("BSC_TEST_FLAG", True) is True
    monkeypatch.setenv("BSC_TEST_FLAG", "")
    assert env_bool("BSC_TEST_FLAG", False) is False


def test_env_int_rejects_a_word(monkeypatch):
    monkeypatch.setenv("BSC_TEST_NUMBER", "five")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("BSC_TEST_NUMBER", 5)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("BSC_TEST_LIST", " a.example, b.example ,,")
    assert env_list("BSC_TEST_LIST", ["x"]) == ["a.example", "b.example"]


def test_env_secret_reads_the_file_named_by_name_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("BSC_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("BSC_TEST_SECRET_FILE", str(secret))
    assert env_secret("BSC_TEST_SECRET") == "from-the-file"


def test_env_secret_reads_the_variable_without_a_file(monkeypatch):
    monkeypatch.delenv("BSC_TEST_SECRET_FILE", raising=False)
    monkeypatch.setenv("BSC_TEST_SECRET", "from-the-variable")
    assert env_secret("BSC_TEST_SECRET") == "from-the-variable"


def test_env_secret_refuses_a_missing_file(monkeypatch, tmp_path):
    monkeypatch.setenv("BSC_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="BSC_TEST_SECRET_FILE"):
        env_secret("BSC_TEST_SECRET")


def test_parse_email_url_reads_smtp_with_starttls():
    assert parse_email_url("smtp://mailer:p%40ss@smtp.example.org:587/?tls=true") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 30,
    }


def test_parse_email_url_reads_smtps_with_its_default_port():
    parsed = parse_email_url("smtps://smtp.example.org")
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_SSL"], parsed["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_parse_email_url_reads_console():
    assert parse_email_url("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_parse_email_url_rejects_an_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with"):
        parse_email_url("sendgrid://key@api")


# --- What the settings make of an environment ----------------------------------


def test_with_nothing_set_it_runs_embedded():
    assert settings_with() == {
        "DEBUG": True,
        "ENGINE": "django.db.backends.sqlite3",
        "ATOMIC_REQUESTS": True,
        "CONN_MAX_AGE": 0,
        "CACHE": "django.core.cache.backends.locmem.LocMemCache",
        "BROKER": "",
        "EAGER": True,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "127.0.0.1"],
    }


def test_database_and_redis_urls_switch_to_the_services():
    result = settings_with(
        DATABASE_URL="postgres://bsc:secret@db.internal:5432/bsc",
        REDIS_URL="redis://cache.internal:6379/0",
        SITE_URL="https://bsc.example.org",
    )
    assert result["ENGINE"] == "django.db.backends.postgresql"
    assert result["CONN_MAX_AGE"] == 60
    assert result["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert (result["BROKER"], result["EAGER"]) == ("redis://cache.internal:6379/0", False)
    assert result["ALLOWED_HOSTS"] == ["bsc.example.org", "localhost", "127.0.0.1"]


def test_a_typo_in_debug_stops_the_start():
    done = run_python(["-c", "import django; django.setup()"], DEBUG="flase")
    assert done.returncode != 0
    assert "DEBUG must be True or False, not 'flase'" in done.stderr


def test_debug_off_refuses_to_start_with_the_placeholder_secret_key():
    done = run_python(["-c", "import django; django.setup()"], DEBUG="False")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY" in done.stderr


def test_debug_off_refuses_to_start_with_a_short_secret_key():
    done = run_python(["-c", "import django; django.setup()"], DEBUG="False", SECRET_KEY="short")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "p8Zq3vN0xR7mW2kT5yB9cF4hJ6sL1dG0aE8uI3oP7nM2qV5zX9rK4tY6wC1bH3jS",
    "DATABASE_URL": "postgres://bsc:secret@db.internal:5432/bsc",
    "SITE_URL": "https://bsc.example.org",
}


def test_the_production_configuration_passes_check_deploy():
    assert len(PRODUCTION["SECRET_KEY"]) >= 60
    done = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    env = {**PRODUCTION, "SECRET_KEY_FILE": str(key_file)}
    del env["SECRET_KEY"]
    done = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]


# --- .env.example ------------------------------------------------------------------


def test_env_example_lists_every_setting():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    missing = setting_names() - listed
    assert not missing, f"add these to .env.example: {sorted(missing)}"
