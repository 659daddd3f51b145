"""One error hierarchy. Each class has a stable ``code`` and the ``exit_code`` the CLI returns.

Messages are one plain sentence that says what is wrong and what to do. They never contain
secrets (passwords, tokens) or report content.

An error made with :meth:`CvdError.t` carries a catalogue id and its values (core/i18n.py), so the
CLI says it in the language of the run (:meth:`CvdError.say`); ``message`` is its English text, for
logs, tests and callers that hold no language. An error made from a plain sentence says that
sentence in every language.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

_E = TypeVar("_E", bound="CvdError")

# Exit codes: the contract in the README (Exit codes). One test each (tests/cli/test_exit_codes.py).
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_VALIDATION = 3
EXIT_SCOPE = 4
EXIT_DISCOVERY = 5
EXIT_KEY = 6
EXIT_DELIVERY = 7
EXIT_INPUT_NEEDED = 8
EXIT_INTERRUPTED = 130


class CvdError(Exception):
    """Base of every error cvd-reporter raises on purpose."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = EXIT_INTERNAL

    def __init__(self, message: str, *, code: str | None = None, data: dict[str, Any] | None = None,
                 msgid: str | None = None, params: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]  # instance override of the class default
        self.data = data or {}
        self.msgid = msgid
        self.params = params or {}

    @classmethod
    def t(cls: type[_E], msgid: str, /, *, code: str | None = None, data: dict[str, Any] | None = None,
          **params: Any) -> _E:
        """The error whose sentence is catalogue text ``msgid`` with ``params`` (English as ``message``)."""
        from cvd_reporter.core.i18n import say  # noqa: PLC0415 - gettext only when an error is made

        return cls(say("en", msgid, **params), code=code, data=data, msgid=msgid, params=params)

    def say(self, lang: str | None) -> str:
        """The sentence in ``lang`` (``nl`` or ``en``); a plain-sentence error says its sentence."""
        if self.msgid is None or lang in (None, "en"):
            return self.message
        from cvd_reporter.core.i18n import say  # noqa: PLC0415 - see t()

        return say(lang, self.msgid, **self.params)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.say(lang)}
        if self.data:
            out["data"] = self.data
        return out


class InternalError(CvdError):
    code = "internal_error"
    exit_code = EXIT_INTERNAL


class UsageError(CvdError):
    code = "usage"
    exit_code = EXIT_USAGE


class ValidationError(CvdError):
    """The report file or the security.txt has errors, or an input file cannot be read as one."""

    code = "validation"
    exit_code = EXIT_VALIDATION


class TargetError(ValidationError):
    """A target (URL, host name or IP address) that is none: the one error of core/target.py."""

    code = "invalid_target"


class InputFileError(ValidationError):
    """A file given on the command line cannot be read: missing, binary, too large, malformed."""

    code = "input_file"


class ScopeError(CvdError):
    code = "out_of_scope"
    exit_code = EXIT_SCOPE


class DiscoveryError(CvdError):
    """No security.txt, no usable contact, no key found, or the network failed while looking."""

    code = "discovery"
    exit_code = EXIT_DISCOVERY


class NetworkError(DiscoveryError):
    """A fetch failed: TLS, refused connection, deadline, size cap, redirect rules."""

    code = "network"


class KeyProblem(CvdError):
    """The key is not usable: expired, revoked, no encryption subkey, too weak, mismatch, pin changed."""

    code = "key_unusable"
    exit_code = EXIT_KEY


class DeliveryError(CvdError):
    """Sending failed; the encrypted report stays in the outbox."""

    code = "delivery_failed"
    exit_code = EXIT_DELIVERY


class InputNeeded(CvdError):
    """A non-interactive run lacks a field, a confirmation or a secret."""

    code = "input_needed"
    exit_code = EXIT_INPUT_NEEDED


class Interrupted(CvdError):
    code = "interrupted"
    exit_code = EXIT_INTERRUPTED


class ConfigError(UsageError):
    """The configuration file or an environment variable holds a value we cannot use."""

    code = "config"


class StoreError(CvdError):
    """The local record cannot be read or written (corrupt, locked, wrong id, nonsensical change)."""

    code = "store"
    exit_code = EXIT_VALIDATION
