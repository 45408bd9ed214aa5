r"""A TeX run left waiting for the next build of a variant: XeLaTeX and LuaLaTeX.

A run started early (:mod:`cvpress.engine.prestart`) loads its format and the
fonts while Python works, but XeTeX and LuaTeX take longer to start (their
formats are 26-36 MB, and the fonts come after) than a build takes to render:
TeX, not Python, is then the path of a build. So at the end of a successful
build under either engine, the next build's run is started at once and left
waiting: engine started from the variant's format, the part of the document
that precedes the data (:func:`cvpress.engine.prestart.split`) already read
from the named pipe, waiting for the rest. The next build that finds it
only writes the rest of its document down the pipe.

It outlives the build that started it, so:

- it is recorded in the output folder (``.cache/resident/<variant>.json``:
  process id and start time, folder, engine, format, epoch, the text it has
  read) and in its own folder (``record.json``, for :func:`stop`);
- it is claimed by renaming the record, which one build alone can do; the
  build then checks it (same user, the same process still alive, same
  engine, format, epoch and text read) and anything else drops it and builds
  the ordinary way, with the same bytes;
- a guardian (``sh``, the run's parent and process group leader) writes the
  run's exit status to a file, since the claiming build is not its parent
  (it waits on a pidfd), and kills the group and empties the folder after
  :data:`IDLE_LIMIT` seconds unclaimed; a claiming build enforces its own
  timeout by killing the group, and removes the folder when it is done;
- :func:`stop` ends the runs recorded for an output folder (tests, the bench,
  ``cvpress build`` after an output folder was deleted: :func:`sweep`).

Same sandbox (the guardian and the run confined to the run's folder, the
format readable), same flags, same bytes (tests compare them). It holds the
engine's memory while it waits (see ``docs/engines-and-speed.md``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import EngineError
from .catalogue import spec
from .prestart import BODY, LOADER, PIPE_LEAD, WHOLE_LOADER, Gone, Prestart, split
from .process import stat_fields
from .sandbox import JOBNAME, command, format_argument, run_prefix, sandbox_env

#: Seconds a run waits unclaimed before its guardian kills it and empties its folder.
IDLE_LIMIT = 600
#: Engines that leave a run behind: those whose start is longer than a build's Python.
ENGINES = frozenset({"xelatex", "lualatex"})
#: Most runs left by one build (each holds ~220 MB while it waits: XeTeX or LuaTeX with
#: the CJK fallback loaded); the first variants built get them.
MOST = 2
_KIND = "resident-"
#: Seconds a run's folder is left alone by :func:`sweep` after it was made (its records
#: are being written).
_GRACE = 60.0
#: Seconds to wait for a killed guardian to be gone.
_END_WAIT = 2.0

#: The guardian: ``$1`` the idle limit, then the engine's command. It starts the
#: idle timer, runs the engine in ``run/`` and writes its exit status to ``status``.
#: The timer ends the group (guardian, engine, timer) and empties the folder after
#: the idle limit, or twice that once claimed (a build that claimed it and died).
_GUARDIAN = (
    "idle=$1; shift; "
    '( sleep "$idle"; [ -e claimed ] && sleep "$idle"; rm -rf -- run output.txt status; '
    "kill -KILL 0 ) & "
    'cd run && "$@" > ../output.txt 2>&1; echo $? > ../status.part; mv ../status.part ../status'
)


def _records(out: Path) -> Path:
    return out / ".cache" / "resident"


def _start_time(pid: int) -> int | None:
    """The process's start time (clock ticks after boot): with its id, it names one process.

    None when there is no such process, or only its exit status is left (a zombie).
    """
    fields = stat_fields(pid)
    try:
        return None if fields is None or fields[0] == b"Z" else int(fields[19])
    except (IndexError, ValueError):
        return None


def _ours(record: dict[str, Any]) -> bool:
    """Whether ``record`` names a guardian of ours that still runs: the process with that id
    and start time, running :data:`_GUARDIAN`, in a run folder of this user's.

    A record is only a file in the output folder: nothing it names is killed
    or waited for unless it is such a process.
    """
    try:
        pid, folder = int(record["pid"]), Path(str(record["folder"]))
        if record["start"] is None or _start_time(pid) != record["start"]:
            return False
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        return bool(
            argv[1:3] == [b"-c", _GUARDIAN.encode()]
            and folder.parent == Path(tempfile.gettempdir())
            and folder.name.startswith(f"cvpress-{_KIND}")
            and folder.stat().st_uid == os.getuid()
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False


def leave(out: Path, name: str, engine: str, fmt: Path, epoch: int, tex: str) -> None:
    """Start the next build's run of ``name`` on ``tex``'s early part, and record it.

    Errors are ignored: without it the next build starts TeX itself.
    """
    if spec(engine).program not in ENGINES:
        return
    from .formats import is_base

    whole = is_base(fmt)
    parts = split(tex, whole)
    if parts is None:
        return
    drop(out, name)
    folder = Path(tempfile.mkdtemp(prefix=run_prefix(_KIND)))
    try:
        record = _start(folder, out, name, engine, fmt, epoch, parts[0], whole)
        target = _records(out) / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        from ..pipeline.publish import write_atomic

        write_atomic(target, json.dumps(record).encode(), durable=False)
    except (OSError, EngineError):
        _kill(folder)


def _start(
    folder: Path, out: Path, name: str, engine: str, fmt: Path, epoch: int, early: str, whole: bool
) -> dict[str, object]:
    workdir = folder / "run"
    workdir.mkdir()
    (workdir / f"{JOBNAME}.tex").write_text(WHOLE_LOADER if whole else LOADER, encoding="utf-8")
    pipe = workdir / BODY
    os.mkfifo(pipe, 0o600)
    fmt_name, readable = format_argument(fmt, workdir)
    env = sandbox_env(workdir, epoch, engine)
    cmd = command(engine, fmt=fmt_name)
    # Open for reading and writing: it does not wait for a reader, and the text
    # stays in the pipe for TeX, which never reads its end while anyone holds it.
    held = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)
    try:
        os.write(held, (PIPE_LEAD + early).encode("utf-8"))
        guardian = _spawn(folder, workdir, env, cmd, readable, held)
    finally:
        os.close(held)
    start = _start_time(guardian.pid)
    record: dict[str, object] = {
        "pid": guardian.pid,
        "start": start,
        "folder": str(folder),
        "out": str(out.resolve()),
        "name": name,
        "engine": engine,
        "fmt": os.path.realpath(fmt),
        "epoch": epoch,
        "whole": whole,
        "early": early,
    }
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")
    return record


def _spawn(
    folder: Path,
    workdir: Path,
    env: dict[str, str],
    cmd: list[str],
    readable: tuple[str, ...],
    held: int,
) -> subprocess.Popen[bytes]:
    """The guardian, in a session of its own, confined to ``folder`` like a run to its own."""
    from . import landlock

    caches = [env[k] for k in ("TEXMFVAR", "TEXMFCACHE") if k in env]
    for cache in caches:
        os.makedirs(cache, exist_ok=True)
    shell = "/bin/sh"
    confine = landlock.confiner(folder, cmd[0], writable=caches, readable=readable)
    try:
        return subprocess.Popen(
            [shell, "-c", _GUARDIAN, "cvpress-resident", str(IDLE_LIMIT), *cmd],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            pass_fds=(held,),
            preexec_fn=confine,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineError(f"no resident run: {exc}") from None


def waiting(out: Path, name: str) -> bool:
    """Whether a run is recorded for ``name`` and its guardian still runs."""
    try:
        record = json.loads((_records(out) / f"{name}.json").read_bytes())
        return _ours(record)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def claim(out: Path, name: str, timeout: float) -> Resident | None:
    """The run recorded for ``name``, now this build's alone (None: there is none to use)."""
    recorded = _records(out) / f"{name}.json"
    taken = recorded.with_name(f"{name}.{os.getpid()}.claimed")
    try:
        os.rename(recorded, taken)  # atomic: of two builds, one finds the record
    except OSError:
        return None
    try:
        record = json.loads(taken.read_bytes())
        if not _ours(record):
            _remove(Path(str(record["folder"])))
            return None
        run = Resident(record, timeout)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        taken.unlink(missing_ok=True)
    if not run.alive():
        run.cancel()
        return None
    return run


class Resident(Prestart):
    """A claimed resident run: :class:`Prestart`'s ``fits`` and ``finish`` on another's run.

    Killed before it finished (its idle limit, by hand), it gives no result
    and the ordinary run does the work.
    """

    def __init__(self, record: dict[str, Any], timeout: float) -> None:
        # Not Prestart.__init__: the run exists already; these are the fields _finish reads.
        self.engine = str(record["engine"])
        self.fmt = Path(str(record["fmt"]))
        self.epoch = int(record["epoch"])
        self.timeout = timeout
        self.early = str(record["early"])
        self.whole = bool(record["whole"])
        self.tmp = Path(str(record["folder"]))
        self.workdir = self.tmp / "run"
        self.output = self.tmp / "output.txt"
        # A rerun's command line is made here, as for any run, not read from the record.
        fmt_name, self.readable = format_argument(self.fmt, self.workdir)
        self.cmd = command(self.engine, fmt=fmt_name)
        self.env = sandbox_env(self.workdir, self.epoch, self.engine)
        self.pid = int(record["pid"])
        self.start = int(record["start"])
        self.pidfd = -1
        self.process = None
        self.feeder = None
        self.pipe = -1
        self.sink = None

    def alive(self) -> bool:
        """Mark the run as claimed and hold its guardian; False if it is not the recorded one."""
        try:
            self.pidfd = os.pidfd_open(self.pid)
        except OSError:
            return False
        if _start_time(self.pid) != self.start:  # another process since the record was read
            os.close(self.pidfd)
            self.pidfd = -1
            return False
        try:
            os.close(os.open(self.tmp / "claimed", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError:
            return False
        return (self.workdir / BODY).exists()

    def _running(self) -> bool:
        return self.pidfd >= 0

    def _kill(self) -> None:
        if self.pidfd >= 0:
            _end_group(self.pid, self.pidfd)

    def _feed(self, data: bytes) -> bool:
        try:
            fd = os.open(self.workdir / BODY, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            os.set_blocking(fd, True)
            return self._write(fd, data)
        finally:
            os.close(fd)

    def _first_pass(self, on_start: Callable[[int], object] | None) -> None:
        """Wait for the fed run (not this process's child: on its pidfd) and read its status."""
        if on_start is not None:
            on_start(self.pid)
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        if not poller.poll(self.timeout * 1000):
            self._kill()
            from ..errors import EngineTimeout

            raise EngineTimeout(self.engine, self.timeout)
        try:
            code = int((self.tmp / "status").read_text())
        except (OSError, ValueError):
            code = 128 + signal.SIGKILL  # killed with its guardian
        if code > 128:
            raise Gone

    def cancel(self) -> None:
        """End the run and its guardian (their whole group) and remove its folder."""
        self._kill()
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        _remove(self.tmp)


def drop(out: Path, name: str) -> None:
    """End the run recorded for ``name``, if any."""
    run = claim(out, name, 0.0)
    if run is not None:
        run.cancel()


def _kill(folder: Path) -> None:
    """End the run living in ``folder`` (checked against its record) and remove the folder."""
    try:
        record = json.loads((folder / "record.json").read_bytes())
        pid = int(record["pid"])
        pidfd = os.pidfd_open(pid)
    except (OSError, ValueError, KeyError, TypeError):
        pidfd = -1
    if pidfd >= 0:
        if _ours(record):
            _end_group(pid, pidfd)
        os.close(pidfd)
    _remove(folder)


def _remove(folder: Path) -> None:
    """Remove a run folder of this user's (what a record names may be anything)."""
    if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(f"cvpress-{_KIND}"):
        shutil.rmtree(folder, ignore_errors=True)


def _end_group(pid: int, pidfd: int) -> None:
    """Kill the guardian's process group and wait (briefly) until the guardian is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    poller.poll(_END_WAIT * 1000)


def stop(under: Path | None = None, *, orphans: bool = False) -> int:
    """End this user's resident runs whose output folder is inside ``under`` (None: any).

    ``orphans``: only runs that are gone, or that nobody can claim (their
    output folder no longer records them: deleted, or another run replaced
    them) and that no build is finishing. Returns how many were ended.
    """
    ended = 0
    for folder in Path(tempfile.gettempdir()).glob(f"cvpress-{_KIND}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            young = time.time() - folder.stat().st_mtime < _GRACE
            record = json.loads((folder / "record.json").read_bytes())
            out, name = Path(record["out"]), str(record["name"])
            alive = _ours(record)
        except (OSError, ValueError, KeyError, TypeError):
            if orphans and young:
                continue  # being started: its record is not written yet
            out, name, alive = None, "", False
        if under is not None and (out is None or not out.is_relative_to(under.resolve())):
            continue
        if orphans and alive and out is not None:
            claimed = (folder / "claimed").exists()
            if claimed or young or _recorded_folder(out, name) == str(folder):
                continue
        _kill(folder)
        ended += 1
    return ended


@contextlib.contextmanager
def ended(under: Path) -> Iterator[None]:
    """End the runs left for output folders inside ``under`` when the block ends (:func:`stop`)."""
    try:
        yield
    finally:
        stop(under)


def _recorded_folder(out: Path, name: str) -> str | None:
    try:
        return str(json.loads((_records(out) / f"{name}.json").read_bytes())["folder"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def sweep() -> None:
    """End the runs nobody can claim any more (their output folder was deleted or rebuilt)."""
    stop(orphans=True)
