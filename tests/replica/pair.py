"""A primary and its streaming replica: two real PostgreSQL clusters (of the suite's server version) in a temporary folder,
the replica made with `pg_basebackup -R`, for the tests that prove reports read the replica.

PostgreSQL refuses to run as root, so when the tests do (as in CI) every server command runs
as the `postgres` user, which owns the folder. Nothing here touches the machine's own cluster."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

USER = "slh"
DATABASE = "slh"


def bin_dir(major):
    """Debian's folder of PostgreSQL `major`'s programs, or PG_BIN_DIR."""
    return Path(os.environ.get("PG_BIN_DIR") or f"/usr/lib/postgresql/{major}/bin")


def missing_binaries(major):
    """Why a pair of PostgreSQL `major` clusters cannot start here, or "" when it can."""
    needed = ["initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql", "postgres"]
    absent = [name for name in needed if not (bin_dir(major) / name).exists()]
    if absent:
        return (
            f"PostgreSQL {major} programs not found in {bin_dir(major)} ({', '.join(absent)}); set PG_BIN_DIR"
        )
    return ""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Pair:
    bin: Path
    root: Path
    primary_port: int
    replica_port: int

    def url(self, port, database=DATABASE):
        return f"postgres://{USER}@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self):
        return self.url(self.primary_port)

    @property
    def replica_url(self):
        return self.url(self.replica_port)

    def run(self, *command, check=True):
        """A server command, as `postgres` when this process is root."""
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.root)

    def start(self, name, port):
        data = self.root / name
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1"
        self.run(
            self.bin / "pg_ctl", "-D", data, "-l", self.root / f"{name}.log", "-o", options, "-w", "start"
        )

    def stop(self, name):
        if (self.root / name / "postmaster.pid").exists():
            self.run(
                self.bin / "pg_ctl", "-D", self.root / name, "-m", "immediate", "-w", "stop", check=False
            )

    def sql(self, port, statement):
        """One statement, its first value (None when it returns no row)."""
        with psycopg.connect(self.url(port), autocommit=True) as connection:
            row = connection.execute(statement).fetchone()
        return row[0] if row else None

    def copy_database(self, source):
        """pg_dump the `source` database (on the machine's own server) into a new database
        of the primary's."""
        self.run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", USER, DATABASE)
        dump = subprocess.run(
            [
                self.bin / "pg_dump", "--no-owner", "--no-privileges",
                "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
                "-U", source["USER"], source["NAME"],
            ],
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [self.bin / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(self.primary_port)],
            input=dump.stdout, check=True, capture_output=True,
        )  # fmt: skip

    def wait_for_replay(self, timeout=20):
        """Until the replica streams from the primary and has replayed everything the primary
        had written when asked (after a restart it may still be reconnecting)."""
        target = self.sql(self.primary_port, "SELECT pg_current_wal_insert_lsn()")
        streaming = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
        replayed = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        deadline = time.monotonic() + timeout
        while not (self.sql(self.primary_port, streaming) and self.sql(self.replica_port, replayed)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not stream and replay up to {target} in {timeout} s")
            time.sleep(0.05)


@contextmanager
def streaming_pair(major, source):
    """Start a primary holding a copy of the `source` database (a Django settings dict: the
    suite's test database, already migrated and filled with the shipped content), then a
    replica streaming from it. Both are stopped and their folder removed however the block ends."""
    # In memory where the machine has it: two clusters' files are written and copied in seconds.
    shared_memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    root = Path(tempfile.mkdtemp(prefix="slh-replica-", dir=shared_memory))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    pair = Pair(bin_dir(major), root, _free_port(), _free_port())
    try:
        pair.run(pair.bin / "initdb", "-D", root / "primary", "-U", USER, "--auth=trust", "--no-sync")
        with open(root / "primary" / "postgresql.conf", "a") as conf:
            # Throwaway clusters: durability buys nothing, and the tests must be quick.
            conf.write("wal_level = replica\nfsync = off\nfull_page_writes = off\n")
        pair.start("primary", pair.primary_port)
        # The replica is copied while the primary is still empty (a quick base backup), and
        # then receives the database by streaming, as it will every later change.
        backup = ("-D", root / "replica", "-R", "-X", "stream", "-c", "fast", "--no-sync", "--no-manifest")
        pair.run(pair.bin / "pg_basebackup", "-d", pair.url(pair.primary_port, "postgres"), *backup)
        pair.start("replica", pair.replica_port)
        pair.copy_database(source)
        pair.wait_for_replay()
        yield pair
    finally:
        pair.stop("replica")
        pair.stop("primary")
        shutil.rmtree(root, ignore_errors=True)
