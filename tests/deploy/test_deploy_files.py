"""deploy/ stays in step with the code: the units run commands that exist, and the environment
template names every variable of README's configuration table."""

import re
import shlex

from django.core.management import get_commands

from tests.deploy.support import BASE_DIR

DEPLOY = BASE_DIR / "deploy"


def exec_start(unit: str) -> list[str]:
    text = (DEPLOY / unit).read_text().replace("\\\n", " ")
    (line,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.MULTILINE)
    return shlex.split(line)


def test_the_web_unit_runs_gunicorn_with_the_projects_wsgi_application():
    argv = exec_start("newsroom-web.service")
    assert argv[0].endswith("/gunicorn")
    assert argv[1] == "newsroom.wsgi"
    assert (BASE_DIR / "newsroom" / "wsgi.py").exists()
    assert argv[argv.index("--bind") + 1].startswith("127.0.0.1:"), "only nginx reaches it"


def test_the_worker_unit_runs_a_management_command_that_exists():
    argv = exec_start("newsroom-worker.service")
    assert argv[1] == "manage.py"
    assert argv[2] in get_commands(), f"manage.py {argv[2]} does not exist"


def test_the_environment_template_names_every_configured_variable_and_no_secret():
    readme = (BASE_DIR / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "S3_BUCKET"} <= documented
    template = (DEPLOY / "newsroom.env.example").read_text()
    assigned = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", template, flags=re.MULTILINE))
    assert documented - set(assigned) == set(), "missing from deploy/newsroom.env.example"
    for name in ("SECRET_KEY", "EMAIL_HOST_PASSWORD"):
        assert assigned[name] == "CHANGE-ME"
    assert "CHANGE-ME@" in assigned["DATABASE_URL"]
    assert assigned["S3_SECRET_ACCESS_KEY"] == ""
