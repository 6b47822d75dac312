"""The production stack on one machine, measured: `make stack-load`.

    python -m deploy.stack [--seconds 60] [--learners 200] [--port 8140] [--redis-port 6394]

It starts what a deployment runs, with `cms.settings.production` and values made for the run
(a new SECRET_KEY, a new database on the local PostgreSQL, its own redis-server):

1. a fresh database (`STACK_DATABASE_URL`, default postgres://slh:slh@127.0.0.1:5432/slh_stack,
   dropped and made again; the role needs CREATEDB), then `migrate`, `load_content` (the
   shipped content, as on a first install: no demo data), `seed_load_accounts` (the learners,
   lead and manager the load test signs in as) and `collectstatic`;
2. redis-server (the shared cache: rate limits, two-step codes), and a mail sink on 127.0.0.1
   standing in for the SMTP server, so emails the site sends are received, never delivered;
3. two gunicorn processes, the small reverse proxy of `deploy/proxy.py` in front of them (it
   writes X-Forwarded-For; the site trusts one proxy), and one task worker (`db_worker`).

Then it runs the load test of `deploy/load.py` through the proxy for `--seconds`, prints the
figures (and what the worker did) and exits 1 if any request failed, any kind of request never
ran or a background task failed. Everything it
started is stopped, and the database dropped, at the end, on an error and on Ctrl-C.
"""

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pyotp
from psycopg import sql

from deploy import load

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://slh:slh@127.0.0.1:5432/slh_stack"
TASKS_TABLE = "django_tasks_database_dbtaskresult"  # what the worker did (django-tasks-db's results)


class StackError(Exception):
    """Something the stack needs is missing or did not start (the message says what)."""


class MailSink:
    """A minimal SMTP server on 127.0.0.1 that keeps each message it is given: production's
    SMTP email backend talks to it as to a real mail server."""

    def __init__(self):
        self.messages = []  # (recipients, raw message)
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        self.thread.start()
        started.wait(10)

    def _serve(self, started):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    async def _session(self, reader, writer):
        recipients = []
        writer.write(b"220 stack-mail-sink ESMTP\r\n")
        while line := await reader.readline():
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith("EHLO"):
                writer.write(b"250-stack-mail-sink\r\n250 8BITMIME\r\n")
            elif command.startswith("RCPT TO:"):
                recipients.append(line.decode().strip()[8:].strip().strip("<>").lower())
                writer.write(b"250 OK\r\n")
            elif command == "DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                body = await reader.readuntil(b"\r\n.\r\n")
                with self.lock:
                    self.messages.append((recipients, body))
                recipients = []
                writer.write(b"250 OK\r\n")
            elif command == "QUIT":
                writer.write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:  # HELO, MAIL FROM, RSET, NOOP
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    def sent_to(self, address):
        with self.lock:
            return sum(address.lower() in recipients for recipients, _ in self.messages)

    def stop(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """The running stack (a context manager): `url` is the proxy's address."""

    def __init__(
        self,
        database_url=DEFAULT_DATABASE_URL,
        port=8140,
        redis_port=6394,
        learners=200,
        gunicorn_workers=2,
        gunicorn_ports=None,
        template=None,
        log=print,
    ):
        """`gunicorn_ports` default to the two after `port`. `template` names a database to copy
        instead of starting empty (the tests copy their own, migrated and loaded already, to
        stay quick; `migrate` and `load_content` then find little to do)."""
        self.database_url = database_url
        self.template = template
        self.port = port
        self.gunicorn_ports = gunicorn_ports or (port + 1, port + 2)
        self.redis_port = redis_port
        self.learners = learners
        self.gunicorn_workers = gunicorn_workers
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.backends = [f"http://127.0.0.1:{p}" for p in self.gunicorn_ports]
        self.redis_url = f"redis://127.0.0.1:{redis_port}/0"
        self.password = secrets.token_urlsafe(18)
        self.totp_secret = pyotp.random_base32()
        self.processes = []  # (name, Popen, log path), in the order started
        self.mail = None
        self.directory = None
        self.database_made = False

    # -- what tests and the load test need to know ----------------------------------------

    def accounts(self, reserve=0):
        """The load test's accounts; the last `reserve` learners are kept out of it (for tests)."""
        emails = [f"load.learner.{n}@example.org" for n in range(1, self.learners + 1)]
        return load.Accounts(
            learners=emails[: len(emails) - reserve],
            lead="load.lead.housing@example.org",
            manager="load.manager@example.org",
            password=self.password,
            totp_secret=self.totp_secret,
        )

    def query(self, statement, *params):
        """Rows from the stack's own database (what the site wrote)."""
        with psycopg.connect(self._libpq_url(self.database_url), autocommit=True) as connection:
            return connection.execute(statement, params).fetchall()

    # -- starting and stopping ---------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise StackError("redis-server is not installed (Debian package redis-server)")
        self.directory = Path(tempfile.mkdtemp(prefix="slh-stack-"))
        self.mail = MailSink()
        self.env = self._environment()
        self._make_database()
        self._start(
            "redis",
            [redis_server, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
        )
        self._wait_for_port(self.redis_port, "redis-server")
        started = time.monotonic()
        self._manage("migrate", "--noinput")
        self._manage("load_content")
        self._manage("seed_load_accounts", "--learners", str(self.learners))
        self._manage("collectstatic", "--noinput")
        self.log(f"Prepared in {time.monotonic() - started:.0f} s (migrate, content, accounts, static).")
        for port in self.gunicorn_ports:
            self._start(
                f"gunicorn-{port}",
                [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", str(self.gunicorn_workers), "--timeout", "60"],
            )
        self._start(
            "proxy",
            [sys.executable, "-m", "deploy.proxy", "--listen", f"127.0.0.1:{self.port}"]
            + [arg for port in self.gunicorn_ports for arg in ("--upstream", f"127.0.0.1:{port}")],
        )
        self._start("worker", [sys.executable, "manage.py", "db_worker", "--queue-name", "*"])
        for url in [*self.backends, self.url]:
            self._wait_for_page(url + "/toolkit/")
        self.log(f"Stack up: proxy {self.url}, gunicorn {', '.join(self.backends)}, worker, redis.")

    def stop(self):
        for _name, process, _log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process, _log in reversed(self.processes):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.processes = []
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        if self.database_made:
            self._drop_database()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def _environment(self):
        """Production's settings from the environment, as a deployment would set them."""
        unwanted = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CONN_MAX_AGE"}
        env = {k: v for k, v in os.environ.items() if k not in unwanted}
        return {
            **env,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "WAGTAILADMIN_BASE_URL": self.url,
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1: there is no certificate
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.port),
            "EMAIL_USE_TLS": "false",
            "VAR_DIR": str(self.directory),
            "STATIC_ROOT": str(self.directory / "static"),
            "MEDIA_ROOT": str(self.directory / "media"),
            "LOAD_PASSWORD": self.password,
            "LOAD_TOTP_SECRET": self.totp_secret,
            "PYTHONUNBUFFERED": "1",
        }

    @staticmethod
    def _libpq_url(url):
        return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))

    def _server_connection(self):
        """A connection to the server's `postgres` database, to make and drop the stack's own."""
        parts = urlsplit(self._libpq_url(self.database_url))
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    @property
    def database_name(self):
        return urlsplit(self.database_url).path.lstrip("/")

    def _make_database(self):
        name = sql.Identifier(self.database_name)
        with self._server_connection() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if self.template:
                template = sql.Identifier(self.template)
                connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, template))
            else:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
        self.database_made = True

    def _drop_database(self):
        with self._server_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database_name))
            )
        self.database_made = False

    def _manage(self, *args):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            output = result.stdout[-2000:] + result.stderr[-4000:]
            raise StackError(f"manage.py {' '.join(args)} failed:\n{output}")
        self.log(f"  manage.py {args[0]}: {time.monotonic() - started:.1f} s")

    def _start(self, name, command):
        """A process of the stack in its own process group (stopped with everything it forks),
        writing to its own log file."""
        path = self.directory / f"{name}.log"
        with path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process, path))

    def _check_running(self):
        for name, process, path in self.processes:
            if process.poll() is not None:
                tail = path.read_text(errors="replace")[-3000:]
                raise StackError(f"{name} stopped (exit {process.returncode}):\n{tail}")

    def _wait_for_port(self, port, what, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_running()
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise StackError(f"{what} did not open port {port} within {seconds} s")

    def _wait_for_page(self, url, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_running()
            try:
                if httpx.get(url, timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise StackError(f"{url} did not answer 200 within {seconds} s")

    def log_tails(self, characters=2000):
        """The end of each process's log (for a failed run)."""
        return {
            name: path.read_text(errors="replace")[-characters:]
            for name, _, path in self.processes
            if path.exists()
        }


def measure(stack, seconds, learners=4, readers=2, reserve=0, write=print):
    """Run the load test against a running stack and print its figures and what the worker did;
    the problems (empty when every kind of request ran, none failed and no task failed) and the
    Results."""
    results = load.run(stack.url, stack.accounts(reserve), seconds, learners=learners, readers=readers)
    load.report(results, write)
    problems = []
    missing = [kind for kind in load.KINDS if not results.by_kind.get(kind, load.Figures()).latencies]
    if missing:
        problems.append(f"no request of these kinds ran: {', '.join(missing)}")
    tasks = dict(stack.query(f"SELECT status, count(*) FROM {TASKS_TABLE} GROUP BY status"))
    write(
        f"Worker: {tasks.get('SUCCESSFUL', 0)} tasks done, {tasks.get('READY', 0) + tasks.get('RUNNING', 0)} "
        f"waiting, {tasks.get('FAILED', 0)} failed"
    )
    if tasks.get("FAILED"):
        problems.append(f"{tasks['FAILED']} background tasks failed")
    if results.errors:
        problems.append(f"{results.errors} errors")
        for name, tail in stack.log_tails().items():
            write(f"--- {name} log (end) ---\n{tail}")
    return problems, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the load test runs (default 60)")
    parser.add_argument("--learners", type=int, default=200, help="learner accounts to make (default 200)")
    parser.add_argument("--port", type=int, default=8140, help="the proxy's port; gunicorn uses the next two")
    parser.add_argument("--redis-port", type=int, default=6394)
    parser.add_argument("--concurrent-learners", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    options = parser.parse_args(argv)
    # Stopped by a signal (Ctrl-C, or a supervisor's SIGTERM): unwind so everything is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = os.environ.get("STACK_DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        with Stack(database_url, options.port, options.redis_port, options.learners) as stack:
            problems, _ = measure(stack, options.seconds, options.concurrent_learners, options.readers)
    except StackError as error:
        print(f"The stack did not start: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped: everything the stack started has been stopped.", file=sys.stderr)
        return 130
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
