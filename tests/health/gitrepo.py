"""Real git repositories built with `git` in a temporary folder, isolated from the user's config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

NOW = 1_780_000_000.0  # a fixed "now" (2026-05-28), so every age is computed, never timed
DAY = 86_400


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root.parent / f"{root.name}-home"
        self.home.mkdir(exist_ok=True)
        root.mkdir(exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.key: Path | None = None

    def env(self, when: float | None = None) -> dict[str, str]:
        env = dict(os.environ, HOME=str(self.home), GIT_CONFIG_NOSYSTEM="1")
        env["GIT_CONFIG_GLOBAL"] = str(self.home / "gitconfig")
        if when is not None:
            stamp = f"@{int(when)} +0000"
            env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        return env

    def git(self, *args: str, when: float | None = None) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=self.env(when),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def signing_key(self) -> Path:
        if self.key is None:
            self.key = self.home / "signing_key"
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True
            )
        return self.key

    def _signing(self, sign: bool) -> list[str]:
        if not sign:
            return []
        return ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.signing_key()}"]

    def commit(
        self, name: str, email: str, days_ago: float, *, sign: bool = False, path: str = ""
    ) -> str:
        when = NOW - days_ago * DAY
        target = self.root / (path or "history.txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a") as handle:
            handle.write(f"{name} {when}\n")
        self.git("add", "-A")
        identity = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
        flags = ["-S"] if sign else ["--no-gpg-sign"]
        self.git(*identity, *self._signing(sign), "commit", "-q", *flags, "-m", "change", when=when)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, days_ago: float, *, annotated: bool, sign: bool = False) -> None:
        when = NOW - days_ago * DAY
        identity = ["-c", "user.name=Releaser", "-c", "user.email=rel@example.org"]
        if sign:
            self.git(*identity, *self._signing(True), "tag", "-s", name, "-m", name, when=when)
        elif annotated:
            self.git(*identity, "tag", "-a", name, "-m", name, when=when)
        else:
            self.git("tag", name)

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
