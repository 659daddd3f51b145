"""``--help`` and click's own messages in the language of the run.

The language of a run is decided once, before click parses anything (``--lang`` wherever it stands,
then ``CVD_LANG``, the config file, the locale): ``--help`` is eager and may come before ``--lang``, and a
usage error can happen before any option callback ran.

Help texts stay in the source, in English, where click expects them (docstrings, ``help=``), so a
command module never changes for a translation. Their Dutch lives in the one catalogue under ids made
from the command path: ``help.<path>`` (a command's docstring), ``help.<path>.<param>`` (an option),
``help.global.<param>`` (the global options every command accepts) and ``cmd.<name>`` (a summary of the
lazy table). The English catalogue repeats the source text; tests/cli/test_dutch_everywhere.py fails when the
two drift, so an edited English help cannot leave a stale Dutch one behind.

A loaded command is localised in place (:func:`localise`): its English is kept on the object and the
texts of the run's language put where click reads them. Doing it when the lazy group hands out a
command costs nothing for ``--help`` of the root (no command module is imported) and keeps the lazy
table; in place rather than at format time because click reads ``help`` in several places (the help
page, the listing of a group, error hints).

click's own strings ("Usage:", "Show this message and exit.", "No such option") come from the
standard ``gettext`` under click's English msgids; :func:`install_click_messages` points click's
``_``/``ngettext`` at the ``click`` domain of our locale folder (``locale/nl/LC_MESSAGES/click.po``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import gettext

# core/i18n.py (gettext, pathlib) is imported only when a text is looked up in Dutch: English --help,
# the path bench/cli_startup_bench.py measures, reads the texts click already holds.
LANGUAGES = ("en", "nl")  # core.i18n.LANGUAGES (tests/cli/test_dutch_everywhere.py checks they agree)
GLOBAL_PARAMS = frozenset({"json_output", "lang", "config_path", "home", "ca_bundle", "connect_to",
                           "dns_server", "timeout", "debug"})
_state: dict[str, str] = {"lang": "en"}


def current() -> str:
    """The language of this run's help and click messages (set by :func:`begin`)."""
    return _state["lang"]


def lang_from_args(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` in ``args`` (before a ``--``), if valid."""
    found: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found if found in LANGUAGES else None


def lang_from_locale(environ: Any = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


def resolve(args: Sequence[str]) -> str:
    """``--lang`` in the arguments, then ``CVD_LANG``, then the config file, then the locale."""
    lang = lang_from_args(args)
    if lang:
        return lang
    env = os.environ.get("CVD_LANG", "")
    if env in LANGUAGES:
        return env
    if "--config" in args or os.environ.get("CVD_CONFIG") or _default_config_exists():
        try:
            from cvd_reporter.settings import load_settings  # noqa: PLC0415 - only when a config file exists

            configured = load_settings({}).lang
        except Exception:
            configured = None
        if configured in LANGUAGES:
            return str(configured)
    return lang_from_locale()


def _default_config_exists() -> bool:
    # The XDG location without platformdirs (~12 ms): only decides whether to load the settings at all.
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
        return os.path.isfile(os.path.join(base, "cvd-reporter", "config.toml"))
    return True


def begin(args: Sequence[str]) -> str:
    """Decide the language of this run and make click speak it."""
    return use(resolve(args))


def use(lang: str) -> str:
    """Make ``lang`` the language of help and click's messages from now on."""
    _state["lang"] = lang if lang in LANGUAGES else "en"
    install_click_messages()
    return _state["lang"]


# ---------------------------------------------------------------------------- click's own strings
@cache
def _click_catalogue(lang: str) -> gettext.NullTranslations:
    import gettext  # noqa: PLC0415 - see LANGUAGES

    from cvd_reporter.core.i18n import LOCALE_DIR  # noqa: PLC0415 - see LANGUAGES

    return gettext.translation("click", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def click_gettext(message: str) -> str:
    return message if current() == "en" else _click_catalogue(current()).gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    if current() == "en":
        return singular if n == 1 else plural
    return _click_catalogue(current()).ngettext(singular, plural, n)


_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")


def install_click_messages() -> None:
    """Point the ``_`` and ``ngettext`` each click module imported from gettext at :func:`click_gettext`."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- help texts
def help_id(path: str, param: str | None = None) -> str:
    """The catalogue id of a command's help (``param`` None) or of one of its options."""
    if param is None:
        return f"help.{path or '_root'}"
    return f"help.global.{param}" if param in GLOBAL_PARAMS else f"help.{path or '_root'}.{param}"


def _text(msgid: str, english: str | None, lang: str) -> str | None:
    if english is None or lang == "en":
        return english
    text = _catalogue(lang).gettext(msgid)
    return text if text != msgid else english


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The one language's catalogue without core.i18n's English fallback: the source text is the
    fallback here, and not parsing the English .mo keeps Dutch `--help` fast."""
    import gettext  # noqa: PLC0415 - see LANGUAGES

    from cvd_reporter.core.i18n import DOMAIN, LOCALE_DIR  # noqa: PLC0415 - see LANGUAGES

    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def localise(command: click.Command, path: str, lang: str | None = None) -> click.Command:
    """Put the help texts of ``lang`` (default: the run's) on ``command`` and everything under it."""
    lang = lang or current()
    english: dict[str, Any] = command.__dict__.setdefault("_cvd_english", {
        "help": command.help, "short_help": command.short_help})
    command.help = _text(help_id(path), english["help"], lang)
    if "_help_option" in command.__dict__:
        command._help_option = None  # click builds --help once, with the text of that moment's language
    short = english["short_help"]
    command.short_help = _text(f"cmd.{path}", short, lang) if short else None
    for param in command.params:
        original = param.__dict__.setdefault("_cvd_english", getattr(param, "help", None))
        if original is not None and param.name:
            param.help = _text(help_id(path, param.name), original, lang)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            localise(sub, f"{path} {name}".strip() if path else name, lang)
    return command


def summary(name: str, english: str) -> str:
    """The one-line summary of a lazy command in the run's language."""
    return _text(f"cmd.{name}", english, current()) or english


def walk(command: click.Command, path: str = "") -> list[tuple[str, click.Command]]:
    """Every (path, command) under ``command``, itself first; lazy commands are loaded."""
    out = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path or "cvd-reporter")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                out += walk(sub, f"{path} {name}".strip())
    return out


def english_help_texts(root: click.Command) -> dict[str, str]:
    """id -> the English source text of every help text under ``root`` (for the catalogue and its test)."""
    import inspect  # noqa: PLC0415 - click imported it already; here for the tests and docs only

    texts: dict[str, str] = {}
    for path, command in walk(root):
        english = command.__dict__.get("_cvd_english", {"help": command.help, "short_help": command.short_help})
        if english["help"]:
            texts[help_id(path)] = inspect.cleandoc(english["help"])
        if english["short_help"] and path:
            texts[f"cmd.{path}"] = english["short_help"]
        for param in command.params:
            text = param.__dict__.get("_cvd_english", getattr(param, "help", None))
            if text and param.name:
                texts[help_id(path, param.name)] = inspect.cleandoc(text)
    return texts
