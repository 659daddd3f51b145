"""The click root: global options, lazy command loading, errors -> exit codes, the JSON envelope.

Every command callback returns a :class:`Result` through :func:`cvd_command`; one renderer prints
human text or exactly one JSON document on stdout (everything else goes to stderr), even for errors
raised before the command ran (bad config, usage errors).
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter import __version__
from cvd_reporter.cli import localise
from cvd_reporter.core.display import json_safe, printable
from cvd_reporter.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CvdError,
    Interrupted,
)

if TYPE_CHECKING:
    from cvd_reporter.app.context import Context, Terminal
    from cvd_reporter.core.findings import Finding
    from cvd_reporter.settings import Settings

ENVELOPE_VERSION = 1

# command name -> ("module:attribute", one-line summary). Modules are imported only when their command
# runs, so `--help` lists the summaries without importing any command module (bench/cli_startup_bench.py).
# The summary becomes the command's short help, so the listing and `COMMAND --help` agree.
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("cvd_reporter.cli.wizard_cmds:new", "Write a report step by step with the guided wizard."),
    "practice": ("cvd_reporter.cli.practice_cmds:practice",
                 "Report to a practice municipality that runs on this machine only."),
    "submit": ("cvd_reporter.cli.submit_cmds:submit", "Encrypt a report file and deliver it (non-interactive)."),
    "outbox": ("cvd_reporter.cli.submit_cmds:outbox", "List and send encrypted reports that wait in the outbox."),
    "validate": ("cvd_reporter.cli.report_cmds:validate", "Check a report file against the schema and a policy."),
    "lint": ("cvd_reporter.cli.lint_cmds:lint", "Scan files for personal data and secrets; write redacted copies."),
    "schema": ("cvd_reporter.cli.report_cmds:schema", "Print the JSON Schema of the report file."),
    "discover": ("cvd_reporter.cli.securitytxt_cmds:discover",
                 "Find where to report for a target: security.txt, contacts, key status."),
    "securitytxt": ("cvd_reporter.cli.securitytxt_cmds:securitytxt", "Validate security.txt files (RFC 9116)."),
    "scope": ("cvd_reporter.cli.scope_cmds:scope", "Is each target in the organisation's scope?"),
    "key": ("cvd_reporter.cli.key_cmds:key", "Find, verify and pin the OpenPGP keys reports are encrypted to."),
    "status": ("cvd_reporter.cli.record_cmds:status", "Open reports, what is due and what is overdue."),
    "mark": ("cvd_reporter.cli.record_cmds:mark", "Move a report to a new state (acknowledged, fixed, ...)."),
    "follow-up": ("cvd_reporter.cli.record_cmds:follow_up", "Send an encrypted reminder about a sent report."),
    "notify-publication": ("cvd_reporter.cli.record_cmds:notify_publication",
                           "Tell the organisation when you will publish."),
    "escalate": ("cvd_reporter.cli.escalate_cmds:escalate",
                 "Escalate an unanswered report to the IBD, NCSC-NL or another address, encrypted."),
    "purge": ("cvd_reporter.cli.record_cmds:purge", "Delete a report's evidence and record a deletion receipt."),
    "export": ("cvd_reporter.cli.record_cmds:export", "Export a report's proof bundle (JSON) or a CSAF 2.0 document."),
    "policy": ("cvd_reporter.cli.policy_cmds:policy",
               "Read an organisation's CVD policy page: where to report and on which terms."),
    "directory": ("cvd_reporter.cli.directory_cmds:directory",
                  "Organisations whose reporting channel is known from their own page (bundled and imported)."),
    "config": ("cvd_reporter.cli.config_cmds:config",
               "Show the resolved configuration and where each value came from."),
}


# ---------------------------------------------------------------------------- results
class Result:
    """What a command produced. ``text`` is the human output (stdout); ``data`` the JSON payload.

    A plain class, not a dataclass: keeping `dataclasses` (and `inspect`) out of start-up keeps
    `--help` fast (bench/cli_startup_bench.py).
    """

    def __init__(self, data: dict[str, Any] | None = None, findings: list[Finding] | None = None,
                 text: str = "", exit_code: int = EXIT_OK, errors: list[dict[str, Any]] | None = None,
                 findings_in_text: bool = False) -> None:
        self.data = data if data is not None else {}
        self.findings_in_text = findings_in_text  # the text already shows each finding in its own words
        self.findings = findings if findings is not None else []
        self.text = text
        self.exit_code = exit_code
        self.errors = errors if errors is not None else []

    @classmethod
    def from_error(cls, error: CvdError, lang: str | None = None, **kw: Any) -> Result:
        return cls(exit_code=error.exit_code, errors=[error.to_dict(lang)], **kw)


def envelope(command: str, result: Result) -> dict[str, Any]:
    """The versioned JSON document (pinned by tests/cli/test_json_envelope.py)."""
    return {
        "cvd_reporter": ENVELOPE_VERSION,
        "command": command,
        "status": "ok" if result.exit_code == EXIT_OK else "error",
        "exit_code": result.exit_code,
        "data": result.data,
        "findings": [f.to_dict() for f in result.findings],
        "errors": result.errors,
    }


# ---------------------------------------------------------------------------- context
class AppContext:
    """Built once per invocation; commands get it as their first argument."""

    def __init__(self) -> None:
        self.flags: dict[str, Any] = {}
        self._settings: Settings | None = None
        self._terminal: Terminal | None = None
        self._context: Context | None = None

    @property
    def json(self) -> bool:
        return bool(self.flags.get("json_output"))

    @property
    def debug(self) -> bool:
        return bool(self.flags.get("debug"))

    @property
    def lang(self) -> str:
        """Language of messages: --lang / CVD_LANG / config, else the locale (nl_* -> nl), else en."""
        if self.flags.get("lang"):
            return str(self.flags["lang"])
        try:
            if self.settings.lang:
                return self.settings.lang
        except CvdError:  # a bad config is the error being reported: say it in the run's language
            return localise.current()
        return localise.lang_from_locale()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from cvd_reporter.settings import load_settings  # noqa: PLC0415 - platformdirs, tomllib: not for --help

            self._settings = load_settings(self.flags)
        return self._settings

    @property
    def terminal(self) -> Terminal:
        """Is a person at stdin/stdout/stderr: decided once (also for errors raised before the settings load)."""
        if self._terminal is None:
            from cvd_reporter.app.context import Terminal  # noqa: PLC0415 - not for --help

            self._terminal = Terminal.detect()
        return self._terminal

    @property
    def context(self) -> Context:
        """The one Context of this invocation (settings, clock, terminal, home, network) for app/."""
        if self._context is None:
            from cvd_reporter.app.context import Context  # noqa: PLC0415 - not for --help

            self._context = Context(self.settings, terminal=self.terminal)
        return self._context

    def info(self, message: str) -> None:
        """A human message: always stderr, so stdout stays one JSON document in --json mode."""
        click.echo(printable(message), err=True)

    def warn(self, message: str) -> None:
        click.echo(click.style(say(self.lang, "cli.warning") + " ", fg="yellow") + printable(message), err=True,
                   color=self.terminal.colour)


def say(lang: str | None, msgid: str, /, **params: Any) -> str:
    """core.i18n.say, imported on first use: `--help` in English needs no catalogue (cli/localise.py)."""
    from cvd_reporter.core.i18n import say as catalogue_say  # noqa: PLC0415 - see above

    return catalogue_say(lang, msgid, **params)


def _store_flag(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is None or value is False or value == ():
            return
        app = ctx.ensure_object(AppContext)
        if name == "connect_to":
            app.flags[name] = tuple(app.flags.get(name, ())) + tuple(value)
        else:
            app.flags[name] = value

    return callback


def global_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The global options, accepted on the root and after any subcommand (the later wins)."""
    opts = [
        click.option("--json", "json_output", is_flag=True, default=False, expose_value=False,
                     is_eager=True, callback=_store_flag("json_output"),
                     help="Print exactly one JSON document on stdout; messages go to stderr."),
        click.option("--lang", type=click.Choice(["nl", "en"]), expose_value=False,
                     callback=_store_flag("lang"), help="Language of questions and output (nl or en) [env CVD_LANG]."),
        click.option("--config", "config_path", metavar="PATH", expose_value=False,
                     callback=_store_flag("config_path"), help="TOML config file [env CVD_CONFIG]."),
        click.option("--home", metavar="PATH", expose_value=False, callback=_store_flag("home"),
                     help="Folder for the record, drafts, outbox and key pins [env CVD_REPORTER_HOME]."),
        click.option("--ca-bundle", metavar="PATH", expose_value=False, callback=_store_flag("ca_bundle"),
                     help="Also trust these CAs for HTTPS and SMTP [env CVD_CA_BUNDLE]. "
                          "Verification cannot be switched off."),
        click.option("--connect-to", metavar="H:P:H2:P2", multiple=True, expose_value=False,
                     callback=_store_flag("connect_to"),
                     help="Connect to H2:P2 when H:P is asked; names and certificates stay H "
                          "[env CVD_CONNECT_TO, comma-separated]."),
        click.option("--dns-server", metavar="ADDR[:PORT]", expose_value=False,
                     callback=_store_flag("dns_server"), help="DNS resolver to use [env CVD_DNS_SERVER]."),
        click.option("--timeout", metavar="S", type=float, expose_value=False, callback=_store_flag("timeout"),
                     help="Total deadline of one network operation, seconds [env CVD_TIMEOUT]."),
        click.option("--debug", is_flag=True, default=False, expose_value=False, callback=_store_flag("debug"),
                     help="Show tracebacks."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _command_name(ctx: click.Context) -> str:
    parts = ctx.command_path.split()
    return " ".join(parts[1:]) if len(parts) > 1 else ""


def emit(app: AppContext, command: str, result: Result) -> None:
    import json  # noqa: PLC0415 - not needed for --help

    if app.json:
        # Indented for a person at a terminal; compact for pipes (json's C encoder only runs without indent,
        # which matters for `status --json` over 10,000 reports).
        indent = 2 if app.terminal.stdout else None
        click.echo(json_safe(json.dumps(envelope(command, result), ensure_ascii=False, indent=indent, default=str)))
        return
    if result.text:
        click.echo(printable(result.text.rstrip("\n")))
    for finding in [] if result.findings_in_text else result.findings:
        if not result.text or (finding.code not in result.text and finding.message not in result.text):
            click.echo(printable(finding.human(app.lang)))
    for err in result.errors:
        click.echo(click.style(say(app.lang, "cli.error") + " ", fg="red") + printable(err["message"]), err=True,
                   color=app.terminal.colour)


def cvd_command(f: Callable[..., Result]) -> Callable[..., None]:
    """Wrap a command callback: pass the AppContext, map errors to exit codes, render the Result."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ctx = click.get_current_context()
        app = ctx.ensure_object(AppContext)
        try:
            result = f(app, *args, **kwargs)
        except CvdError as e:
            if app.debug:
                import traceback  # noqa: PLC0415 - ~11-17 ms, only for --debug and internal errors; --help stays lean

                traceback.print_exc()
            result = Result.from_error(e, app.lang, data=e.data)
        except KeyboardInterrupt:
            result = Result.from_error(Interrupted.t("cli.interrupted"), app.lang)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as e:
            if app.debug:
                import traceback  # noqa: PLC0415 - ~11-17 ms, only for --debug and internal errors; --help stays lean

                traceback.print_exc()
            result = Result(exit_code=EXIT_INTERNAL, errors=[{
                "code": "internal_error",
                "message": say(app.lang, "cli.internal_error", kind=type(e).__name__),
            }])
        emit(app, _command_name(ctx), result)
        ctx.exit(result.exit_code)

    return wrapper


# ---------------------------------------------------------------------------- the group
class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def _available(self, name: str) -> bool:
        # A file check, not an import: --help lists every command.
        module = self.lazy[name][0].split(":")[0]
        return os.path.isfile(os.path.join(os.path.dirname(__file__), module.rsplit(".", 1)[1] + ".py"))

    def main(self, args: Any = None, *a: Any, **kw: Any) -> Any:
        """Decide the language of the run before click parses anything (see cli/localise.py)."""
        args = list(sys.argv[1:] if args is None else args)
        localise.localise(self, "", localise.begin(args))
        return super().main(args, *a, **kw)

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(n for n in self.lazy if self._available(n))
        return sorted(names, key=lambda n: list(self.lazy).index(n) if n in self.lazy else len(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and self._available(cmd_name):
            target, summary = self.lazy[cmd_name]
            module, attr = target.split(":")
            command = getattr(importlib.import_module(module), attr, None)
            if command is not None:
                command.short_help = summary
                localise.localise(command, cmd_name)
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """click's resolution, with "did you mean" for a mistyped command (`cvd-reporter stauts`)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib  # noqa: PLC0415 - only for a mistyped command

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            if close:
                ctx.fail(say(localise.current(), "cli.no_such_command", name=name, suggestion=close[0]))
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing from the summaries alone: no command module is imported for --help."""
        rows = [(name, localise.summary(name, self.lazy[name][1])) for name in self.list_commands(ctx)
                if name in self.lazy]
        if rows:
            with formatter.section(localise.click_gettext("Commands")):
                formatter.write_dl(rows)


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="cvd-reporter")
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Report a vulnerability to an organisation under its Coordinated Vulnerability Disclosure
    policy: find where to report, check scope, encrypt, send, and keep a record.

    Exit codes: 0 ok, 1 internal error, 2 usage, 3 validation, 4 out of scope, 5 nothing found,
    6 key not usable, 7 delivery failed (kept in the outbox), 8 input needed, 130 interrupted.
    """
    ctx.ensure_object(AppContext)


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Usage errors still speak the JSON envelope when --json was asked."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        # With standalone_mode=False click returns the code given to ctx.exit() instead of exiting.
        rc = cli.main(args=argv, prog_name="cvd-reporter", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else EXIT_OK)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.UsageError as e:
        if _wants_json(argv):
            import json  # noqa: PLC0415 - ~4-13 ms, only for --json; --help stays lean

            name = e.ctx.command_path.split(" ", 1)[1] if e.ctx and " " in e.ctx.command_path else ""
            click.echo(json.dumps(envelope(name, Result(exit_code=EXIT_USAGE, errors=[
                {"code": "usage", "message": e.format_message()}])), indent=2))
        else:
            e.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo(say(localise.current(), "cli.interrupted_short"), err=True)
        sys.exit(EXIT_INTERRUPTED)
