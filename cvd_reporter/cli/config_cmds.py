"""`cvd-reporter config show`: the resolved settings and where each came from."""

from __future__ import annotations

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.i18n import say


@click.group(name="config")
def config() -> None:
    """Show the resolved configuration."""


def _source(lang: str | None, source: str) -> str:
    """Where a setting came from, as settings.py records it (``default``, ``flag``, ``env (VAR)``,
    ``config (PATH)``), in the reader's language."""
    kind, _, rest = source.partition(" (")
    if kind == "default" and not rest:
        return say(lang, "config.from_default")
    if kind == "flag" and not rest:
        return say(lang, "config.from_flag")
    if kind == "env" and rest:
        return say(lang, "config.from_env", name=rest.removesuffix(")"))
    if kind == "config" and rest:
        return say(lang, "config.from_file", path=rest.removesuffix(")"))
    return source


@config.command(name="show")
@global_options
@cvd_command
def show(app: AppContext) -> Result:
    """Print every setting with its value and source (defaults < config file < env < flags).

    Secrets are never printed: they show as <hidden> when set.
    """
    settings = app.settings
    view = settings.public_view()
    found = settings.config_path is not None and settings.config_path.is_file()
    if found:
        lines = [say(app.lang, "config.file_found", path=settings.config_path)]
    else:
        lines = [say(app.lang, "config.file_missing", path=settings.config_path)]
    width = max(len(k) for k in view)
    for key, item in view.items():
        value = item["value"]
        shown = "-" if value in (None, [], "") else (", ".join(value) if isinstance(value, list) else str(value))
        source = say(app.lang, "config.source", source=_source(app.lang, str(item["source"])), env=item["env"])
        lines.append(f"{key:<{width}}  {shown:<40}  [{source}]")
    return Result(data={"config_file": str(settings.config_path), "settings": view}, text="\n".join(lines))
