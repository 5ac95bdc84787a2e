"""The README's production command is the one the integration tests run as a process."""

from __future__ import annotations

from tests.support.dialog import ROOT
from tests.support.web_server import gunicorn_command


def test_the_readme_gives_the_production_command_the_tests_run() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("**Your own server.**") : readme.index("## Tests")]
    command = gunicorn_command()
    config = command[command.index("-c") + 1]
    assert f"gunicorn -c {config}" in section
    assert f"'{command[-1]}'" in section
    assert "HEART_KEY_SALT" in section and "HEART_SKILL_ID" in section
    for protection in ("Slow clients", "malformed HTTP", "Forged requests", "Misconfiguration"):
        assert protection in section
