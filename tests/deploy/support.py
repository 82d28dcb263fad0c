"""Real servers for the deployment tests: free ports, gunicorn, nginx, a private PostgreSQL.

Everything listens on 127.0.0.1 only and is stopped by the test that started it.
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def get(port: int, path: str, headers=None, timeout: float = 10):
    """(status, headers, body) of a plain HTTP GET to 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def app_env(**overrides) -> dict:
    """The environment of an app process: production settings, test values, no DEBUG."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "S3_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DEBUG="",
        SECRET_KEY="test-only-secret-key-not-used-anywhere-else-0123456789",
        HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Gunicorn:
    """`gunicorn newsroom.wsgi` as production runs it, on a port of its own."""

    def __init__(self, env: dict, workers: int = 1, log_dir: Path | None = None):
        self.port = free_port()
        self.log_path = (log_dir or Path("/tmp")) / f"gunicorn-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, process=self.process)
        except Exception:
            self.stop()
            raise

    def get(self, path, **kwargs):
        return get(self.port, path, **kwargs)

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL server program (initdb, pg_ctl): on PATH or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, for tests that stop and start it.

    Never the machine's own cluster: others use that one. PostgreSQL refuses to run as root,
    so as root the cluster belongs to the `postgres` user.
    """

    def __init__(self, directory: Path):
        self.initdb = postgres_bin("initdb")
        self.pg_ctl = postgres_bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise RuntimeError("initdb/pg_ctl not found")
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.run_as = None
        if os.geteuid() == 0:
            import pwd

            try:
                entry = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("running as root and there is no postgres user") from exc
            self.run_as = "postgres"
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        self._run(
            [
                self.initdb,
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )

    def _run(self, argv, check=True, timeout=60):
        if self.run_as:
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        return subprocess.run(
            argv,
            check=check,
            timeout=timeout,
            capture_output=True,
            text=True,
            cwd=self.directory,
        )

    @property
    def url_base(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            [
                self.pg_ctl,
                "-D",
                str(self.data),
                "-l",
                str(self.directory / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            [self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"], check=False
        )

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        import psycopg

        with psycopg.connect(f"{self.url_base}/{database}", autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else ""


def manage(env: dict, *args, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )


class StandbyPostgres(PrivatePostgres):
    """A hot standby of `primary`, made as the README says: `pg_basebackup -R` (streaming
    replication, the primary's connection written into the copy), then started on a free port
    of its own. Read-only; it follows the primary within milliseconds."""

    def __init__(self, primary: PrivatePostgres, directory: Path):
        self.initdb = primary.initdb
        self.pg_ctl = primary.pg_ctl
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.run_as = primary.run_as
        if self.run_as:
            import pwd

            entry = pwd.getpwnam(self.run_as)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        self._run(
            [
                postgres_bin("pg_basebackup"),
                "-D",
                str(self.data),
                "-R",
                "-X",
                "stream",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "--checkpoint=fast",
                "--no-sync",
            ],
            timeout=120,
        )

    def in_recovery(self) -> bool:
        return self.psql("SELECT pg_is_in_recovery()")[0][0]

    def pause_replay(self) -> None:
        self.psql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.psql("SELECT pg_wal_replay_resume()")

    def wait_for(self, sql: str, expected, database: str, timeout: float = 20) -> None:
        """Until the standby answers `sql` with `expected` (replication has caught up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.psql(sql, database) == expected:
                return
            time.sleep(0.05)
        raise TimeoutError(f"the standby did not catch up: {sql}")
