"""One frozen Settings object, built once at start-up and passed down.

Precedence: defaults < config file (TOML) < ``CVD_*`` environment variables < command-line flags.
``Settings.sources`` says where each value came from (``cvd-reporter config show``).
Secrets never live in the config file: they come from an environment variable or the keyring,
resolved only when a command needs them (``Settings.secret``).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, overload

from cvd_reporter.core.i18n import N_, say
from cvd_reporter.errors import ConfigError, InputNeeded

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

APP_NAME = "cvd-reporter"
DEFAULT_TIMEOUT = 10.0
DEFAULT_KEYSERVER = "https://keys.openpgp.org"
DEFAULT_GITHUB_API = "https://api.github.com"
DEFAULT_POLICY = "nl-gemeente"

# config key -> (Settings attribute, environment variable)
CONFIG_KEYS: dict[str, tuple[str, str]] = {
    "lang": ("lang", "CVD_LANG"),
    "home": ("home", "CVD_REPORTER_HOME"),
    "ca_bundle": ("ca_bundle", "CVD_CA_BUNDLE"),
    "connect_to": ("connect_to", "CVD_CONNECT_TO"),
    "dns_server": ("dns_server", "CVD_DNS_SERVER"),
    "timeout": ("timeout", "CVD_TIMEOUT"),
    "policy": ("policy", "CVD_POLICY"),
    "reporter.name": ("reporter_name", "CVD_REPORTER_NAME"),
    "reporter.email": ("reporter_email", "CVD_REPORTER_EMAIL"),
    "reporter.phone": ("reporter_phone", "CVD_REPORTER_PHONE"),
    "reporter.pgp_key": ("reporter_pgp_key", "CVD_REPORTER_PGP_KEY"),
    "smtp.host": ("smtp_host", "CVD_SMTP_HOST"),
    "smtp.port": ("smtp_port", "CVD_SMTP_PORT"),
    "smtp.security": ("smtp_security", "CVD_SMTP_SECURITY"),
    "smtp.user": ("smtp_user", "CVD_SMTP_USER"),
    "smtp.from": ("smtp_from", "CVD_SMTP_FROM"),
    "api.url": ("api_url", "CVD_API_URL"),
    "github.api_url": ("github_api_url", "CVD_GITHUB_API_URL"),
    "keys.keyserver": ("keyserver", "CVD_KEYSERVER"),
}

# Secrets: name -> (environment variables in order, keyring username template)
SECRETS: dict[str, tuple[tuple[str, ...], str]] = {
    "smtp_password": (("CVD_SMTP_PASSWORD",), "smtp:{smtp_user}@{smtp_host}"),
    "api_token": (("CVD_API_TOKEN",), "api:{api_url}"),
    "github_token": (("GITHUB_TOKEN", "CVD_GITHUB_TOKEN"), "github:{github_api_url}"),
    "signing_passphrase": (("CVD_SIGNING_PASSPHRASE",), "signing-key"),
}
_SECRET_WORDS = ("password", "passwd", "token", "secret", "apikey", "api_key")

# What `config show` prints for one value.
JSONScalar = str | int | float | bool | None


@dataclass(frozen=True)
class ConnectTo:
    """curl-style ``HOST:PORT:HOST2:PORT2``: connect to HOST2:PORT2 when HOST:PORT is asked."""

    host: str
    port: int
    to_host: str
    to_port: int

    @classmethod
    def parse(cls, text: str) -> ConnectTo:
        parts = _split_hostports(text.strip())
        if len(parts) != 4:
            raise ConfigError.t("settings.connect_to_form", text=repr(text))
        host, port, to_host, to_port = parts
        try:
            p, tp = int(port), int(to_port)
        except ValueError:
            raise ConfigError.t("settings.connect_to_port", text=repr(text)) from None
        if not (0 < p < 65536 and 0 < tp < 65536) or not host or not to_host:
            raise ConfigError.t("settings.connect_to_range", text=repr(text))
        return cls(host.lower().rstrip("."), p, to_host, tp)

    def __str__(self) -> str:
        def fmt(h: str) -> str:
            return f"[{h}]" if ":" in h else h

        return f"{fmt(self.host)}:{self.port}:{fmt(self.to_host)}:{self.to_port}"


# What _coerce makes of one raw value: the type of the Settings attribute it is for.
SettingValue = str | int | float | bool | Path | tuple[ConnectTo, ...] | tuple[str, int]


def _split_hostports(text: str) -> list[str]:
    out: list[str] = []
    buf, depth = "", 0
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == ":" and depth == 0:
            out.append(buf)
            buf = ""
            continue
        buf += ch
    out.append(buf)
    return [p[1:-1] if p.startswith("[") and p.endswith("]") else p for p in out]


def parse_dns_server(text: str) -> tuple[str, int]:
    """``ADDR``, ``ADDR:PORT``, ``[V6]:PORT`` or a bare IPv6 address."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, "53"
    try:
        ipaddress.ip_address(host)
        p = int(port)
        if not 0 < p < 65536:
            raise ValueError
    except ValueError:
        raise ConfigError.t("settings.dns_server", text=repr(text)) from None
    return host, p


def default_config_path() -> Path:
    # platformdirs (with tempfile and shutil) is ~12 ms, a quarter of click's own import: kept out of
    # any start-up path that builds no Settings (cli_startup_bench.py).
    from platformdirs import user_config_dir  # noqa: PLC0415 - see above

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def default_home() -> Path:
    from platformdirs import user_data_dir  # noqa: PLC0415 - see default_config_path

    return Path(user_data_dir(APP_NAME))


@dataclass(frozen=True)
class Settings:
    json_output: bool = False
    debug: bool = False
    lang: str | None = None
    config_path: Path | None = None
    home: Path = field(default_factory=default_home)
    ca_bundle: str | None = None
    connect_to: tuple[ConnectTo, ...] = ()
    dns_server: tuple[str, int] | None = None
    timeout: float = DEFAULT_TIMEOUT
    policy: str = DEFAULT_POLICY
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    reporter_pgp_key: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_from: str | None = None
    api_url: str | None = None
    github_api_url: str = DEFAULT_GITHUB_API
    keyserver: str = DEFAULT_KEYSERVER
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    environ: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    # ---- derived -------------------------------------------------------------------------
    @property
    def connect_map(self) -> dict[tuple[str, int], tuple[str, int]]:
        return {(c.host, c.port): (c.to_host, c.to_port) for c in self.connect_to}

    @property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or (465 if self.smtp_security == "tls" else 587)

    @overload
    def secret(self, name: str) -> str: ...
    @overload
    def secret(self, name: str, *, required: Literal[True]) -> str: ...
    @overload
    def secret(self, name: str, *, required: bool) -> str | None: ...

    def secret(self, name: str, *, required: bool = True) -> str | None:
        """Resolve a secret lazily: environment variable first, then the keyring.

        Never from the config file or argv. Raises InputNeeded (exit 8) when required and absent.
        """
        env_names, keyring_user = SECRETS[name]
        for var in env_names:
            value = self.environ.get(var)
            if value:
                return value
        user = keyring_user.format(**{f.name: getattr(self, f.name) for f in fields(self)})
        value = _keyring_get(user)
        if value:
            return value
        if required:
            raise InputNeeded.t("settings.no_secret", name=name.replace("_", " "), env=env_names[0],
                                 command=f"keyring set {APP_NAME} {user}")
        return None

    def public_view(self) -> dict[str, dict[str, JSONScalar | list[str]]]:
        """Every setting with its value and source, secrets shown as hidden (config show)."""
        out: dict[str, dict[str, JSONScalar | list[str]]] = {}
        for key, (attr, env) in CONFIG_KEYS.items():
            raw: object = getattr(self, attr)
            value: JSONScalar | list[str]
            if isinstance(raw, tuple) and attr == "connect_to":
                value = [str(c) for c in raw]
            elif isinstance(raw, tuple) and attr == "dns_server":
                value = f"{raw[0]}:{raw[1]}"
            elif isinstance(raw, (str, int, float, bool)) or raw is None:
                value = raw
            else:
                value = str(raw)
            out[key] = {"value": value, "source": self.sources.get(attr, "default"), "env": env}
        for name, (env_names, _) in SECRETS.items():
            present = any(self.environ.get(v) for v in env_names)
            out[f"secret.{name}"] = {
                "value": "<hidden>" if present else None,
                "source": "env" if present else "keyring or unset (looked up when needed)",
                "env": env_names[0],
            }
        return out


def _keyring_get(user: str) -> str | None:
    try:
        import keyring  # noqa: PLC0415 - slow to import (backends); only when a secret is looked up
        from keyring.errors import KeyringError  # noqa: PLC0415 - same
    except ImportError:
        return None
    try:
        value: str | None = keyring.get_password(APP_NAME, user)
        return value
    except (KeyringError, RuntimeError, OSError):
        return None


def _load_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError.t("config.bad_toml", path=str(path), detail=str(e)) from None
    except OSError as e:
        raise ConfigError.t("settings.unreadable", path=path, reason=e.strerror) from None


def _flatten(d: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


# Where a value came from, said in the sentence of a bad value: (kind, config path / variable / option).
_ORIGINS = {"file": N_("settings.origin.file"), "env": N_("settings.origin.env"),
            "option": N_("settings.origin.option")}


def _bad(msgid: str, origin: tuple[str, str], **params: Any) -> ConfigError:
    """A ConfigError whose sentence names its origin in the run's language: ``message`` holds the English
    sentence, ``params`` the Dutch origin for CvdError.say (the catalogue has these two languages)."""
    kind, name = origin
    english = say("en", msgid, origin=say("en", _ORIGINS[kind], name=name), **params)
    return ConfigError(english, msgid=msgid, params={**params, "origin": say("nl", _ORIGINS[kind], name=name)})


def _coerce(attr: str, value: object, origin: tuple[str, str]) -> SettingValue | None:
    """One setting from the config file, the environment or a flag, checked and converted."""
    if value is None:
        return None
    try:
        if attr == "timeout":
            t = float(str(value))
            if not 0 < t <= 3600:
                raise ValueError
            return t
        if attr == "smtp_port":
            p = int(str(value))
            if not 0 < p < 65536:
                raise ValueError
            return p
    except (TypeError, ValueError):
        raise _bad(N_("settings.bad_value"), origin, name=attr.replace("_", " "),
                            value=repr(value)) from None
    if attr == "connect_to":
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        return tuple(ConnectTo.parse(str(i)) for i in items if str(i).strip())
    if attr == "dns_server":
        return parse_dns_server(str(value))
    if attr == "home":
        return Path(str(value)).expanduser()
    if attr == "smtp_security":
        v = str(value).lower()
        if v not in ("starttls", "tls"):
            raise _bad(N_("settings.smtp_security"), origin)
        return v
    if attr == "lang":
        v = str(value).lower()
        if v not in ("nl", "en"):
            raise _bad(N_("settings.lang"), origin)
        return v
    if attr in ("api_url", "github_api_url", "keyserver"):
        v = str(value).rstrip("/")
        if not v.startswith("https://"):
            raise _bad(N_("settings.https_url"), origin, name=attr.replace("_", " "))
        return v
    return str(value)


def load_settings(
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the Settings: defaults < config file < environment < flags.

    ``flags`` holds only the options the user actually gave (attribute names as keys).
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None and v != ()}
    env = dict(os.environ if environ is None else environ)
    values: dict[str, SettingValue] = {}
    sources: dict[str, str] = {}

    flag_config = flags.pop("config_path", None)
    config_path = str(flag_config) if flag_config else env.get("CVD_CONFIG")
    config_source = "flag" if flag_config else ("env" if env.get("CVD_CONFIG") else "default")
    path = Path(config_path).expanduser() if config_path else default_config_path()
    if path.is_file():
        raw = _flatten(_load_toml(path))
        for key, value in raw.items():
            if any(w in key.lower().replace("-", "_") for w in _SECRET_WORDS):
                raise ConfigError.t("settings.secret_in_file", path=path, key=key)
            if key not in CONFIG_KEYS:
                raise ConfigError.t("settings.unknown_key", path=path, key=repr(key),
                                   known=", ".join(sorted(CONFIG_KEYS)))
            attr = CONFIG_KEYS[key][0]
            coerced = _coerce(attr, value, ("file", str(path)))
            if coerced is not None:
                values[attr] = coerced
            sources[attr] = f"config ({path})"
    elif config_path:
        raise ConfigError.t("settings.no_file", path=path)

    for attr, var in CONFIG_KEYS.values():
        coerced = _coerce(attr, env[var], ("env", var)) if env.get(var) else None
        if coerced is not None:
            values[attr] = coerced
            sources[attr] = f"env ({var})"

    for attr, value in flags.items():
        if attr in ("json_output", "debug"):
            values[attr] = bool(value)
            continue
        coerced = _coerce(attr, value, ("option", f"--{attr.replace('_', '-')}"))
        if coerced is not None:
            values[attr] = coerced
        sources[attr] = "flag"

    ca_bundle = values.get("ca_bundle")
    if ca_bundle and not Path(str(ca_bundle)).is_file():
        raise ConfigError.t("settings.no_ca_bundle", path=ca_bundle)
    sources["config_path"] = config_source
    # Each value was checked and converted for its attribute by _coerce; the dataclass takes them by name.
    kwargs: dict[str, Any] = values
    return Settings(config_path=path, sources=sources, environ=env, **kwargs)
