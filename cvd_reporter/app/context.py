"""One Context per command: the settings, the clock, the terminal, the data folder and the network.

``cli/app.py`` builds it once from the global options and hands it to the use cases in ``app/``,
which read no clock, environment variable or terminal themselves: a test gives them a fixed
``now`` or a terminal that is (not) there, and gets the same code paths a user runs.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cvd_reporter.settings import Settings

if TYPE_CHECKING:
    from cvd_reporter.net.http import Fetcher

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(timezone.utc)


def _isatty(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


@dataclass(frozen=True)
class Terminal:
    """Whether a person sits at each standard stream: decided once per command (:meth:`detect`)."""

    stdin: bool = False
    stdout: bool = False
    stderr: bool = False
    colour: bool = False
    width: int = 80

    @classmethod
    def detect(cls, environ: Mapping[str, str] | None = None) -> Terminal:
        env = os.environ if environ is None else environ
        stdin, stdout, stderr = _isatty(sys.stdin), _isatty(sys.stdout), _isatty(sys.stderr)
        # https://no-color.org/: any non-empty NO_COLOR turns colour off; so does a dumb terminal.
        colour = stderr and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
        width = shutil.get_terminal_size((80, 24)).columns if stdout or stderr else 80
        return cls(stdin=stdin, stdout=stdout, stderr=stderr, colour=colour, width=width)

    @property
    def interactive(self) -> bool:
        """Questions can be asked and shown on stdout (the wizard, the practice wizard, key prompts)."""
        return self.stdin and self.stdout

    @property
    def can_confirm(self) -> bool:
        """A yes/no or a passphrase can be asked on stderr, while stdout stays the command's output."""
        return self.stdin and self.stderr


class Network:
    """The HTTPS fetchers and DNS resolvers of one command, built from the settings on first use
    (requests and dnspython are slow to import; a command that needs no network never loads them)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._fetchers: dict[bool, Fetcher] = {}
        self._resolver: Any = None

    def fetcher(self, *, allow_private: bool = False) -> Fetcher:
        if allow_private not in self._fetchers:
            from cvd_reporter.net.http import Fetcher  # noqa: PLC0415 - requests is slow to import

            self._fetchers[allow_private] = Fetcher.from_settings(self._settings, allow_private=allow_private)
        return self._fetchers[allow_private]

    def resolver(self) -> Any:
        """The DNS resolver of net/dns.py (key discovery: OPENPGPKEY, WKD host checks)."""
        if self._resolver is None:
            from cvd_reporter.net.dns import make_resolver  # noqa: PLC0415 - dnspython is slow to import

            self._resolver = make_resolver(self._settings)
        return self._resolver

    def host_resolver(self) -> Callable[[str], Any]:
        """host -> Resolution, for the scope check (net/resolve.py)."""
        from cvd_reporter.net.resolve import make_host_resolver  # noqa: PLC0415 - dnspython: only when a host is resolved

        return make_host_resolver(self._settings)


@dataclass(frozen=True)
class Context:
    """What every use case gets instead of reaching for globals."""

    settings: Settings
    clock: Clock = utc_now
    terminal: Terminal = field(default_factory=Terminal)
    network: Network = field(default=None)  # type: ignore[assignment]  # built from the settings

    def __post_init__(self) -> None:
        if self.network is None:
            object.__setattr__(self, "network", Network(self.settings))

    @property
    def home(self) -> Path:
        """The data folder: record, drafts, outbox, key pins."""
        return Path(self.settings.home)

    def with_settings(self, settings: Settings) -> Context:
        """The same clock and terminal with other settings (and a network built from them): the
        practice municipality runs the real pipeline with its own loopback settings."""
        return replace(self, settings=settings, network=Network(settings))
