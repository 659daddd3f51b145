"""`cvd-reporter config show`: the resolved settings and where each came from."""

from __future__ import annotations

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options


@click.group(name="config")
def config() -> None:
    """Show the resolved configuration."""


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
    lines = [f"config file: {settings.config_path} ({'found' if found else 'not found'})"]
    width = max(len(k) for k in view)
    for key, item in view.items():
        value = item["value"]
        shown = "-" if value in (None, [], "") else (", ".join(value) if isinstance(value, list) else str(value))
        lines.append(f"{key:<{width}}  {shown:<40}  [{item['source']}; env {item['env']}]")
    return Result(data={"config_file": str(settings.config_path), "settings": view}, text="\n".join(lines))
