"""Run `git` on an untrusted repository and stream its output line by line.

A scanned repository's own config could name programs for git to run (a gpg program with
`log.showSignature`, an fsmonitor hook, a pager). Every such key is overridden on the command
line, which wins over the repository's config, so nothing the repository names is executed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OpennessError

_SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "gpg.openpgp.program=false",
    "diff.external=",
    "log.decorate=false",
    "color.ui=false",
    "i18n.logOutputEncoding=UTF-8",
    "protocol.allow=never",
)


class GitError(OpennessError):
    """git is missing, refused the repository, or failed while reading it."""


def git_dir_of(path: Path) -> Path | None:
    """The git directory of a checkout (`path/.git`) or of a bare repository, else None."""
    dot_git = path / ".git"
    if dot_git.is_dir() or dot_git.is_file():
        return dot_git
    if (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir():
        return path
    return None


def _command(git_dir: Path, args: tuple[str, ...]) -> list[str]:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed; install it to read the repository's history")
    command = [git, "--no-pager", f"--git-dir={git_dir}"]
    for item in _SAFE_CONFIG:
        command += ["-c", item]
    return command + list(args)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_LAZY_FETCH="1",  # a partial clone must not reach the network for missing objects
        GIT_OPTIONAL_LOCKS="0",
        LC_ALL="C",
    )
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_EXTERNAL_DIFF", "GIT_PAGER"):
        env.pop(name, None)
    return env


@contextmanager
def stream(git_dir: Path, *args: str, timeout: float) -> Iterator[Iterator[bytes]]:
    """Yield git's stdout as raw lines; raise GitError when git fails or runs past `timeout`.

    stderr goes to a temporary file so a chatty git can never block on a full pipe.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                _command(git_dir, args),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=_environment(),
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror}") from None
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        assert proc.stdout is not None
        try:
            yield iter(proc.stdout)
        except BaseException:
            proc.kill()  # the reader stopped early (a limit, an error): git is not needed
            raise
        finally:
            proc.stdout.close()
            code = proc.wait()
            watchdog.cancel()
        if timed_out.is_set():
            raise GitError(f"git {args[0]} ran longer than {timeout:.0f} s and was stopped")
        if code != 0:
            errors.seek(0)
            message = errors.read(2000).decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else f'exit {code}'}")


def run(git_dir: Path, *args: str, timeout: float = 60.0) -> tuple[int, str]:
    """Run a git command with a small output; return its exit code and stdout."""
    try:
        done = subprocess.run(
            _command(git_dir, args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=_environment(),
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} ran longer than {timeout:.0f} s and was stopped") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode not in (0, 1):
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return done.returncode, done.stdout.decode("utf-8", "replace")
