"""A throwaway PostgreSQL cluster on 127.0.0.1 for the tests: started once per session, removed after.

initdb refuses to run as root, so as root (CI) the cluster belongs to the `postgres` system user created by
Debian's package. Each test asks for a fresh database, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Cluster:
    """`durable=False` (the tests): no fsync, fast; `durable=True` (benchmarks): fsync on, as a real server."""

    def __init__(self, bin_dir: Path, durable: bool = False):
        self.bin = bin_dir
        self._central_template: str | None = None
        self.root = Path(tempfile.mkdtemp(prefix="inspector-pg-"))
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        data, log = self.root / "data", self.root / "log"
        subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                  "-E", "UTF8", *([] if durable else ["--no-sync"])]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                                  f"-h 127.0.0.1 -p {self.port} -k {self.root}{'' if durable else ' -F'}"]) + ["start"],
                       check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def new_central(self) -> str:
        """The URL of a new database already at the central schema's head: a copy (CREATE DATABASE … TEMPLATE,
        0.2 s) of one database migrated once per cluster, instead of running every migration (0.65 s)."""
        import psycopg

        from inspector_app.core.merge.database import open_central

        if self._central_template is None:
            url = self.new_database()
            open_central(url).close()
            self._central_template = url.rsplit("/", 1)[1]
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._central_template}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                                  "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run must install it")
        pytest.skip("PostgreSQL is not installed on this machine")
    cluster = Cluster(bin_dir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Callable[[], str]:
    """Each call: the URL of a new, empty database in the session's cluster."""
    return postgres_cluster.new_database
