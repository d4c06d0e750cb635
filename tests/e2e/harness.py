"""Shared helpers for molotov's end-to-end tests (standard library only).

Every test sends real HTTP over loopback to real servers that it starts on
free ports of 127.0.0.1:

    import harness

    class T(unittest.TestCase):
        def test_root(self):
            with harness.Nginx() as web:
                res = harness.run_molotov([...], scenario_text=LUA % web.url)
                self.assertEqual(res.rc, 0, res)
                ok, failed = harness.assert_summary_counts(res.stdout)
                web.wait_for_count(ok, path="/")
                self.assertEqual(web.count(path="/", status=200), ok)

    if __name__ == "__main__":
        harness.main()          # unittest.main() + a closing "N passed, N failed" line

Servers:
  * Nginx   -- /usr/sbin/nginx (Debian nginx-light), in a private temp dir.
  * Httpbin -- Debian python3-httpbin under Debian's /usr/bin/gunicorn.

Both are context managers, stop their whole process group on exit (even
when the test fails), and parse their access logs into dicts with the keys
  method, uri, path, query, status (int), request_time (float seconds),
  bytes_sent (int), user_agent
plus, for nginx only, request_length, connection, connection_requests (ints).

Nothing here sleeps as a means of synchronisation: readiness and log lines
are polled for with a deadline.
"""

import atexit
import ctypes
import http.client
import os
import json
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

NGINX_BIN = "/usr/sbin/nginx"
GUNICORN_BIN = "/usr/bin/gunicorn"
LOOPBACK = "127.0.0.1"

# How often the pollers look again; this is a poll interval, not a wait for
# an event: every wait below has an explicit deadline and condition.
POLL_INTERVAL = 0.02

# Set MOLOTOV_E2E_KEEP=1 to keep servers' temp dirs (configs, logs) for debugging.
KEEP_TMP = os.environ.get("MOLOTOV_E2E_KEEP", "") not in ("", "0")

_live_servers = set()
_live_lock = threading.Lock()


# --------------------------------------------------------------------------
# small utilities
# --------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago.

    Another process may grab it before the caller binds it: the servers
    below therefore retry with a new port when their bind fails.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def source_dir() -> Path:
    """The molotov source tree (MOLOTOV_SOURCE_DIR, else this file's ../..)."""
    env = os.environ.get("MOLOTOV_SOURCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


def molotov_bin() -> str:
    """Path of the molotov binary under test (MOLOTOV_BIN)."""
    env = os.environ.get("MOLOTOV_BIN")
    if env:
        return env
    guess = source_dir() / "build" / "molotov"
    if guess.exists():
        return str(guess)
    raise RuntimeError("MOLOTOV_BIN is not set (run the e2e tests through ctest, "
                       "or set MOLOTOV_BIN to the built binary)")


def molotov_serve_bin() -> str:
    """Path of molotov-serve (MOLOTOV_SERVE_BIN, else the one beside
    molotov_bin(), where the build puts it)."""
    env = os.environ.get("MOLOTOV_SERVE_BIN")
    if env:
        return env
    return str(Path(molotov_bin()).resolve().parent / "molotov-serve")


# The simplest load: one scenario that GETs $TARGET/ and asserts a 200.
GET_ROOT = """
local T = os.getenv("TARGET")
molotov.scenario("get", 1, function(s)
  local r = s:get(T .. "/")
  assert(r.status == 200, r.status)
end)
"""

_sanitized = None


def sanitized_build() -> bool:
    """True when $MOLOTOV_BIN is the AddressSanitizer build (memory figures
    then measure ASan's quarantine and shadow memory, not molotov)."""
    global _sanitized
    if _sanitized is None:
        out = subprocess.run(["readelf", "-d", molotov_bin()], capture_output=True,
                             text=True).stdout
        _sanitized = "libasan" in out
    return _sanitized


def wait_until(predicate, timeout: float, what: str):
    """Poll predicate() until it returns a truthy value; AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(POLL_INTERVAL)


def port_accepts(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    """True when a TCP connect to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _proc_stat(pid: int):
    """(state, pgid) of a process from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may contain spaces/parens: fields resume after the last ')'
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[2])


def process_group_members(pgid: int) -> List[int]:
    """Live (non-zombie) pids whose process group is pgid."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = _proc_stat(int(name))
        if st and st[1] == pgid and st[0] not in ("Z", "X"):
            pids.append(int(name))
    return pids


def process_alive(pid: int) -> bool:
    st = _proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


_libc = None
try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover
    _libc = None
_PR_SET_PDEATHSIG = 1


def _child_setup_pdeathsig():
    # Runs in the child between fork and exec: if the test process is killed
    # outright (SIGKILL from a timeout), the server is told to shut down.
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _popen_server(argv, *, cwd, log_path, env=None):
    # PR_SET_PDEATHSIG fires when the *thread* that forked exits, so only ask
    # for it from the main thread (servers started from helper threads rely
    # on the context manager / atexit alone).
    preexec = _child_setup_pdeathsig if threading.current_thread() is threading.main_thread() else None
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=preexec)


def _http_get(port: int, path: str, timeout: float = 2.0, host: str = LOOPBACK,
              tls: bool = False):
    """(status, body bytes) of GET path on host:port, or None on any error.
    tls: over https, without verifying the certificate (a readiness probe)."""
    if tls:
        conn = http.client.HTTPSConnection(host, port, timeout=timeout,
                                           context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "<no file>"
    return text[-limit:]


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------

class ServerStartError(RuntimeError):
    pass


class _BindFailed(Exception):
    pass


class _Server:
    """Common part: temp dir, process-group lifecycle, access-log parsing."""

    name = "server"
    start_timeout = 10.0
    bind_attempts = 5
    # Substring of a request URI marking the harness's own readiness probes;
    # such entries are left out of access_log_lines().
    PROBE_MARK = "__molotov_harness_probe"

    def __init__(self):
        self.port: Optional[int] = None
        self.proc: Optional[subprocess.Popen] = None
        self.dir = Path(tempfile.mkdtemp(prefix=f"molotov-e2e-{self.name}-"))
        self.access_log_path = self.dir / "access.log"
        self.error_log_path = self.dir / "error.log"
        self.stdout_path = self.dir / "stdout.log"
        self.token = uuid.uuid4().hex
        self._final_access_log: Optional[str] = None

    # ---- public -----------------------------------------------------------
    @property
    def url(self) -> str:
        scheme = "https" if getattr(self, "tls", None) else "http"
        return f"{scheme}://{getattr(self, 'host', LOOPBACK)}:{self.port}"

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and not isinstance(exc, unittest.SkipTest):
            sys.stderr.write(self.diagnostics())
        self.stop()
        return False

    def start(self):
        last = None
        for _ in range(self.bind_attempts):
            self.port = free_port()
            try:
                self._launch()
                with _live_lock:
                    _live_servers.add(self)
                self._wait_ready()
                return self
            except _BindFailed as e:  # port taken between free_port() and bind
                last = e
                # still in its bind loop, with no workers: signals would only
                # be queued (gunicorn), so kill outright
                self._terminate(force=True)
            except (AssertionError, ServerStartError) as e:
                diag = self.diagnostics()
                self.stop()
                raise ServerStartError(f"{self.name} did not start: {e}\n{diag}") from e
            except BaseException:
                self.stop()
                raise
        self.stop()
        raise ServerStartError(f"{self.name}: could not bind a free port after "
                               f"{self.bind_attempts} attempts: {last}")

    def stop(self):
        """Stop the server and every process of its group; idempotent."""
        self._terminate()
        with _live_lock:
            _live_servers.discard(self)
        if self._final_access_log is None:
            # keep the log readable after the context exits
            try:
                self._final_access_log = self.access_log_path.read_text(errors="replace")
            except OSError:
                self._final_access_log = ""
        if not KEEP_TMP and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)

    def diagnostics(self) -> str:
        return (f"--- {self.name} on port {self.port} (dir {self.dir}) ---\n"
                f"[stdout/stderr]\n{_tail(self.stdout_path)}\n"
                f"[error log]\n{_tail(self.error_log_path)}\n")

    def error_log_text(self) -> str:
        try:
            return self.error_log_path.read_text(errors="replace")
        except OSError:
            return ""

    def access_log_lines(self) -> List[Dict]:
        """Parsed access-log entries, oldest first (harness probes left out)."""
        if self._final_access_log is not None:
            raw = self._final_access_log
        else:
            try:
                raw = self.access_log_path.read_text(errors="replace")
            except FileNotFoundError:
                return []
        entries = []
        for line in raw.splitlines():
            # a line being written right now lacks its "\n": splitlines()
            # still yields it, and _parse_line rejects it if incomplete
            if not line.strip():
                continue
            entry = self._parse_line(line)
            if entry is None or self.PROBE_MARK in entry["uri"]:
                continue
            entries.append(entry)
        return entries

    def count(self, method: Optional[str] = None, path: Optional[str] = None,
              status: Optional[int] = None) -> int:
        """Number of logged requests matching all given filters.

        path matches the URI without its query string, unless path itself
        contains '?', in which case it must equal the whole URI.
        """
        return len(self.entries(method=method, path=path, status=status))

    def entries(self, method=None, path=None, status=None) -> List[Dict]:
        out = []
        for e in self.access_log_lines():
            if method is not None and e["method"] != method.upper():
                continue
            if path is not None:
                target = e["uri"] if "?" in path else e["path"]
                if target != path:
                    continue
            if status is not None and e["status"] != int(status):
                continue
            out.append(e)
        return out

    def wait_for_count(self, n: int, timeout: float = 10.0, **filters) -> int:
        """Poll the access log until at least n matching entries; return the count.

        Raises AssertionError (with the log's tail) at the deadline.
        """
        deadline = time.monotonic() + timeout
        while True:
            c = self.count(**filters)
            if c >= n:
                return c
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{self.name}: {c} access-log entries matching {filters or 'anything'} "
                    f"after {timeout}s, wanted {n}\n[access log]\n{_tail(self.access_log_path)}")
            time.sleep(POLL_INTERVAL)

    # ---- internals ----------------------------------------------------------
    def _launch(self):
        raise NotImplementedError

    def _wait_ready(self):
        raise NotImplementedError

    def _parse_line(self, line: str) -> Optional[Dict]:
        raise NotImplementedError

    def _stop_signals(self):
        return (signal.SIGQUIT, signal.SIGTERM)

    def _check_alive(self, bind_error_markers):
        """Raise _BindFailed / ServerStartError when the process has exited."""
        if self.proc.poll() is None:
            return
        text = self.error_log_text() + _tail(self.stdout_path, 20000)
        if any(m in text for m in bind_error_markers):
            raise _BindFailed(f"port {self.port} in use")
        raise ServerStartError(f"{self.name} exited with status {self.proc.returncode}")

    def _terminate(self, force: bool = False):
        proc, self.proc = self.proc, None
        if proc is None:
            return
        pgid = proc.pid  # start_new_session: the leader's pid is the group id
        for sig in () if force else self._stop_signals():
            if proc.poll() is not None:
                break
            try:
                proc.send_signal(sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            self._kill_group(pgid)
            proc.wait(timeout=10)
        # Workers normally leave with their master; make sure of it.
        deadline = time.monotonic() + 5
        while process_group_members(pgid):
            if time.monotonic() >= deadline:
                self._kill_group(pgid)
                wait_until(lambda: not process_group_members(pgid), 5,
                           f"{self.name} process group {pgid} to exit")
                break
            time.sleep(POLL_INTERVAL)

    @staticmethod
    def _kill_group(pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Nginx(_Server):
    """nginx on a free loopback port, configured and logging in a temp dir.

    Routes: `= /` -> 200 text "molotov e2e ok\\n"; `= /json` -> 200 JSON
    {"ok": true, "server": "nginx"}; `= /status/NNN` -> status NNN for every
    NNN in 200..599 (3xx redirects point to "/"); anything else -> static
    files from .docroot (a temp dir, empty: 404).  `locations` is inserted
    verbatim inside the server block, before the built-in routes (exact
    locations take precedence, so do not redefine them); `http_extra` in the
    http block, `main_extra` at the top level.
    """

    name = "nginx"
    start_timeout = 10.0
    # tab-separated; nginx escapes tabs/quotes/non-printables in values as \xXX
    LOG_FIELDS = ("method", "uri", "status", "request_time", "request_length",
                  "bytes_sent", "connection", "connection_requests", "user_agent",
                  "remote_addr", "protocol", "msec")
    LOG_FORMAT = ("$request_method\\t$request_uri\\t$status\\t$request_time\\t"
                  "$request_length\\t$body_bytes_sent\\t$connection\\t"
                  "$connection_requests\\t$http_user_agent\\t$remote_addr\\t$server_protocol\\t"
                  "$msec")

    def __init__(self, locations: str = "", http_extra: str = "", main_extra: str = "",
                 keepalive_requests: int = 1000000, worker_connections: int = 4096,
                 host: str = LOOPBACK, tls: Optional[Tuple[str, str]] = None):
        super().__init__()
        self.tls = tls  # (certificate, key) PEM paths: https and HTTP/2 on the port
        self.host = host  # another address only inside a network namespace
        self.worker_connections = worker_connections
        self.locations = locations
        self.http_extra = http_extra
        self.main_extra = main_extra
        self.keepalive_requests = keepalive_requests
        self.docroot = self.dir / "www"
        self.docroot.mkdir()
        (self.dir / "tmp").mkdir()
        self.conf_path = self.dir / "nginx.conf"

    def config_text(self) -> str:
        d = self.dir
        user = "user root;" if os.geteuid() == 0 else ""
        status_locs = []
        for code in range(200, 600):
            if code in (301, 302, 303, 307, 308):
                status_locs.append(f"location = /status/{code} {{ return {code} /; }}")
            else:
                status_locs.append(f"location = /status/{code} {{ return {code}; }}")
        status_block = "\n        ".join(status_locs)
        return f"""# generated by tests/e2e/harness.py
{user}
worker_processes 1;
daemon off;
master_process on;
pid {d}/nginx.pid;
error_log {self.error_log_path} notice;
{self.main_extra}

worker_rlimit_nofile {self.worker_connections * 2 + 64};
events {{
    worker_connections {self.worker_connections};
}}

http {{
    log_format mt '{self.LOG_FORMAT}';
    access_log {self.access_log_path} mt;

    client_body_temp_path {d}/tmp/client_body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;

    default_type application/octet-stream;
    keepalive_requests {self.keepalive_requests};
    keepalive_timeout 65s;
    server_tokens off;
{self.http_extra}

    server {{
        listen {self.host}:{self.port}{" ssl http2" if self.tls else ""};
        {f"ssl_certificate {self.tls[0]}; ssl_certificate_key {self.tls[1]};" if self.tls else ""}
        server_name localhost;
        root {self.docroot};

        location = /{self.PROBE_MARK} {{
            access_log off;
            default_type text/plain;
            return 200 "{self.token}";
        }}

{self.locations}

        location = / {{
            default_type text/plain;
            return 200 "molotov e2e ok\\n";
        }}
        location = /json {{
            default_type application/json;
            return 200 '{{"ok": true, "server": "nginx"}}';
        }}
        {status_block}
    }}
}}
"""

    def _launch(self):
        self.conf_path.write_text(self.config_text())
        # truncate logs of a failed previous attempt so markers are fresh
        for p in (self.error_log_path, self.stdout_path):
            p.write_bytes(b"")
        self.proc = _popen_server(
            [NGINX_BIN, "-p", f"{self.dir}/", "-c", str(self.conf_path),
             "-e", str(self.error_log_path)],
            cwd=self.dir, log_path=self.stdout_path)

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while True:
            # nginx retries a failed bind for ~2.5 s before exiting: do not wait
            if "Address already in use" in self.error_log_text():
                raise _BindFailed(f"port {self.port} in use")
            self._check_alive(("Address already in use",))
            # The token proves the answer comes from this nginx, not from
            # another process that won the race for the port.
            got = _http_get(self.port, f"/{self.PROBE_MARK}", timeout=1.0, host=self.host,
                            tls=bool(self.tls))
            if got and got[0] == 200 and got[1] == self.token.encode():
                return
            if time.monotonic() >= deadline:
                raise ServerStartError(f"nginx not answering on port {self.port} "
                                       f"after {self.start_timeout}s")
            time.sleep(POLL_INTERVAL)

    def _parse_line(self, line):
        parts = line.split("\t")
        if len(parts) != len(self.LOG_FIELDS):
            return None
        e = dict(zip(self.LOG_FIELDS, parts))
        try:
            for k in ("status", "request_length", "bytes_sent", "connection",
                      "connection_requests"):
                e[k] = int(e[k])
            e["request_time"] = float(e["request_time"])
            e["msec"] = float(e["msec"])  # when the answer was logged (epoch s)
        except ValueError:
            return None
        if e["user_agent"] == "-":
            e["user_agent"] = ""
        path, _, query = e["uri"].partition("?")
        e["path"], e["query"] = path, query
        return e


class Httpbin(_Server):
    """Debian's httpbin under Debian's gunicorn on a free loopback port.

    gthread workers (default 2 workers x 16 threads) so that concurrent
    /delay/N requests do not queue behind each other.
    """

    name = "httpbin"
    start_timeout = 20.0
    LOG_FIELDS = ("method", "uri", "status", "request_time", "bytes_sent", "user_agent")
    # gunicorn atoms: RAW_URI is the request target as sent (like nginx's $request_uri)
    LOG_FORMAT = "\t".join(("%(m)s", "%({raw_uri}e)s", "%(s)s", "%(L)s", "%(B)s", "%(a)s"))

    def __init__(self, workers: int = 2, threads: int = 16, extra_args: Sequence[str] = ()):
        super().__init__()
        self.workers = workers
        self.threads = threads
        self.extra_args = list(extra_args)

    def _launch(self):
        for p in (self.error_log_path, self.stdout_path):
            p.write_bytes(b"")
        env = {k: v for k, v in os.environ.items()
               if k not in ("GUNICORN_CMD_ARGS", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        argv = [GUNICORN_BIN,
                "--bind", f"{LOOPBACK}:{self.port}",
                "--workers", str(self.workers),
                "--worker-class", "gthread", "--threads", str(self.threads),
                "--worker-tmp-dir", str(self.dir),
                "--access-logfile", str(self.access_log_path),
                "--access-logformat", self.LOG_FORMAT,
                "--error-logfile", str(self.error_log_path),
                "--log-level", "info",
                "--graceful-timeout", "3",
                "--timeout", "60",
                *self.extra_args,
                "httpbin:app"]
        # cwd = private dir: no ./gunicorn.conf.py is picked up by accident
        self.proc = _popen_server(argv, cwd=self.dir, log_path=self.stdout_path, env=env)

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        listening = f"Listening at: http://{LOOPBACK}:{self.port} ({self.proc.pid})"
        bind_markers = ("Connection in use", "Address already in use")

        # 1. our master holds the port (not some other process)
        while listening not in self.error_log_text():
            if any(m in self.error_log_text() for m in bind_markers):
                raise _BindFailed(f"port {self.port} in use")
            self._check_alive(bind_markers)
            if time.monotonic() >= deadline:
                raise ServerStartError(f"gunicorn did not log {listening!r} "
                                       f"within {self.start_timeout}s")
            time.sleep(POLL_INTERVAL)
        # 2. a worker has loaded httpbin and answers
        probe = f"/get?{self.PROBE_MARK}={self.token}"
        while True:
            self._check_alive(bind_markers)
            got = _http_get(self.port, probe, timeout=2.0)
            if got and got[0] == 200 and self.token.encode() in got[1]:
                return
            if time.monotonic() >= deadline:
                raise ServerStartError(f"httpbin GET /get not 200 within {self.start_timeout}s")
            time.sleep(POLL_INTERVAL)

    def _stop_signals(self):
        # gunicorn: QUIT/INT = quick shutdown, TERM = graceful
        return (signal.SIGQUIT, signal.SIGTERM)

    def _parse_line(self, line):
        parts = line.split("\t")
        if len(parts) != len(self.LOG_FIELDS):
            return None
        e = dict(zip(self.LOG_FIELDS, parts))
        try:
            e["status"] = int(e["status"])
            e["request_time"] = float(e["request_time"])
            e["bytes_sent"] = int(e["bytes_sent"])
        except ValueError:
            return None
        if e["user_agent"] == "-":
            e["user_agent"] = ""
        path, _, query = e["uri"].partition("?")
        e["path"], e["query"] = path, query
        return e


def _stop_all_live():
    with _live_lock:
        servers = list(_live_servers)
    for s in servers:
        try:
            s.stop()
        except Exception as e:  # pragma: no cover
            sys.stderr.write(f"harness: stopping {s.name}: {e}\n")


atexit.register(_stop_all_live)


# --------------------------------------------------------------------------
# running molotov
# --------------------------------------------------------------------------

@dataclass
class MolotovResult:
    argv: List[str]
    rc: int
    stdout: str
    stderr: str
    duration: float
    scenario_path: Optional[str] = None

    def __str__(self):
        return (f"molotov {self.argv[1:]} -> rc={self.rc} in {self.duration:.2f}s\n"
                f"[stdout]\n{self.stdout[-4000:]}\n[stderr]\n{self.stderr[-4000:]}")


class MolotovTimeout(AssertionError):
    pass


SUBCOMMANDS = ("slave", "serve", "merge", "quickstart")


def engine_args(args: Sequence) -> List[str]:
    """["--engine", E] when MOLOTOV_TEST_ENGINE=E (CTest runs the HTTP tests
    once per transport) and args are a run's, not a subcommand's."""
    engine = os.environ.get("MOLOTOV_TEST_ENGINE")
    if not engine or (args and str(args[0]) in SUBCOMMANDS):
        return []
    return ["--engine", engine]


def needs_curl(what: str):
    """Skips a test under MOLOTOV_TEST_ENGINE=native when it needs what only
    libcurl serves (https, proxies, multipart bodies): --engine native
    refuses those requests by design (test_engines.py checks the refusal)."""
    return unittest.skipIf(os.environ.get("MOLOTOV_TEST_ENGINE") == "native",
                           f"--engine native does not send {what}")


def run_molotov(args: Sequence, scenario_text: Optional[str] = None, timeout: float = 60,
                env: Optional[Dict[str, Optional[str]]] = None,
                cwd: Optional[str] = None, input: Optional[str] = None) -> MolotovResult:
    """Run $MOLOTOV_BIN with args; never hangs.

    scenario_text, when given, is written to a temp scenario.lua whose path is
    appended as the last positional argument.  env entries are added to the
    current environment (a value of None removes the variable).  cwd defaults
    to a private temp dir, removed afterwards.  On timeout the process group
    is killed and MolotovTimeout (an AssertionError) is raised with the output.
    """
    binary = molotov_bin()
    full_env = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            full_env.pop(k, None)
        else:
            full_env[k] = str(v)
    with tempfile.TemporaryDirectory(prefix="molotov-e2e-run-") as tmp:
        argv = [binary, *engine_args(args), *[str(a) for a in args]]
        scenario_path = None
        if scenario_text is not None:
            scenario_path = os.path.join(tmp, "scenario.lua")
            with open(scenario_path, "w") as f:
                f.write(scenario_text)
            argv.append(scenario_path)
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd or tmp, env=full_env,
                                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", start_new_session=True)
        try:
            out, err = proc.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            _Server._kill_group(proc.pid)
            out, err = proc.communicate()
            res = MolotovResult(argv, proc.returncode, out, err,
                                time.monotonic() - start, scenario_path)
            raise MolotovTimeout(f"molotov did not finish within {timeout}s; killed.\n{res}")
        except BaseException:
            _Server._kill_group(proc.pid)
            proc.wait()
            raise
        return MolotovResult(argv, proc.returncode, out, err,
                             time.monotonic() - start, scenario_path)


# --------------------------------------------------------------------------
# output parsing and the test-runner convention
# --------------------------------------------------------------------------

_SUMMARY_RE = re.compile(r"SUCCESSES:\s*(\d+)\s*\|\s*FAILURES:\s*(\d+)")


def assert_summary_counts(stdout: str):
    """(successes, failures) from the last 'SUCCESSES: n | FAILURES: n' in stdout."""
    matches = _SUMMARY_RE.findall(stdout)
    if not matches:
        raise AssertionError("no 'SUCCESSES: n | FAILURES: n' summary in molotov output:\n"
                             + stdout[-4000:])
    s, f = matches[-1]
    return int(s), int(f)


class ClosingLineRunner(unittest.TextTestRunner):
    """TextTestRunner that ends with 'e2e: N passed, N failed, N skipped' on stdout."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbosity", 2)
        super().__init__(*args, **kwargs)

    def run(self, test):
        result = super().run(test)
        failed_ids = set()
        for t, _ in result.failures + result.errors:
            t = getattr(t, "test_case", t)  # subtests count against their test
            failed_ids.add(t.id() if hasattr(t, "id") else str(t))
        for t in result.unexpectedSuccesses:
            failed_ids.add(t.id())
        skipped = len(result.skipped)
        passed = max(0, result.testsRun - len(failed_ids) - skipped)
        self.stream.flush()
        sys.stderr.flush()
        print(f"e2e: {passed} passed, {len(failed_ids)} failed, {skipped} skipped", flush=True)
        return result


def _sigterm_to_exit(signum, frame):
    # turn SIGTERM (e.g. ctest timeout) into SystemExit so context managers
    # stop their servers
    raise SystemExit(128 + signum)


def main(**kwargs):
    """unittest.main() with ClosingLineRunner; call at the end of each test file."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm_to_exit)
    kwargs.setdefault("testRunner", ClosingLineRunner)
    kwargs.setdefault("module", "__main__")
    kwargs.setdefault("verbosity", 2)
    return unittest.main(**kwargs)


# --------------------------------------------------------------------------
# the project's own target: molotov-serve (`molotov serve`)
# --------------------------------------------------------------------------

def _stop_piped(proc):
    """Terminates a server started with piped stdout/stderr (kills it after
    10 s) and closes its pipes."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc:
        proc.stdout.close()
        proc.stderr.close()


class MolotovServe:
    """`molotov-serve --port 0` as a context manager: .url, .port, .pid.

    Used where a test needs what nginx cannot do on demand (answers delayed
    by /delay/MS, large bodies from /bytes/N). Readiness is its
    'listening on' line, not a sleep.
    """

    def __init__(self, extra_args: Sequence[str] = ()):
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.port = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        self.proc = subprocess.Popen([molotov_serve_bin(), "--port", "0", *self.extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True,
                                     preexec_fn=_child_setup_pdeathsig)
        line = self.proc.stdout.readline()  # blocks until the server says it listens
        m = re.search(r"listening on (http://[\d.]+:(\d+))", line)
        if not m:
            self.stop()
            raise ServerStartError(f"molotov serve did not start: {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))
        return self

    def stop(self):
        _stop_piped(self.proc)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class NginxCase(unittest.TestCase):
    """A test case with its own nginx per test (self.web) and run_m(), which
    runs molotov with TARGET set to that nginx."""

    nginx_options: Dict = {}

    def setUp(self):
        self.web = Nginx(**self.nginx_options)
        self.web.start()
        self.addCleanup(self.web.stop)

    def run_m(self, args, text, **kw):
        env = dict(kw.pop("env", None) or {}, TARGET=self.web.url)
        return run_molotov(args, scenario_text=text, env=env, **kw)


class WsEcho:
    """tests/server/ws_echo.py (Debian's python3-websockets) as a context
    manager: .url ("ws://127.0.0.1:PORT" or wss:// with tls=(cert, key)),
    .stats() the counts it serves at /stats. Readiness is its 'listening on'
    line."""

    def __init__(self, tls: Optional[Tuple[str, str]] = None):
        self.tls = tls
        self.proc = None

    def start(self):
        argv = ["/usr/bin/python3", str(source_dir() / "tests" / "server" / "ws_echo.py")]
        if self.tls:
            argv += ["--cert", self.tls[0], "--key", self.tls[1]]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True,
                                     preexec_fn=_child_setup_pdeathsig)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (\d+)", line)
        if not m:
            self.stop()
            raise ServerStartError(f"ws_echo did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(m.group(1))
        self.url = f"{'wss' if self.tls else 'ws'}://{LOOPBACK}:{self.port}"
        return self

    def stats(self):
        import ssl as _ssl
        import urllib.request
        ctx = _ssl._create_unverified_context() if self.tls else None
        scheme = "https" if self.tls else "http"
        with urllib.request.urlopen(f"{scheme}://{LOOPBACK}:{self.port}/stats", timeout=5,
                                    context=ctx) as r:
            return json.loads(r.read())

    def stop(self):
        _stop_piped(self.proc)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
