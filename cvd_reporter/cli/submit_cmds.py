"""`cvd-reporter outbox list` and `outbox send [ID]`: what waits, and sending it again.

(`submit` joins this module later.) Sending goes through cvd_reporter.delivery.send.send_entry,
which reuses the stored bytes, so a retry carries the same Message-ID / Idempotency-Key, and an
entry once sent is never sent again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
if TYPE_CHECKING:
    from cvd_reporter.core.findings import Finding

from cvd_reporter.errors import EXIT_DELIVERY, EXIT_OK, DeliveryError, StoreError


@click.group(name="outbox")
def outbox() -> None:
    """Encrypted reports that wait to be sent, and sending them again."""


def _outbox(app: AppContext) -> Any:
    from cvd_reporter.delivery.outbox import Outbox  # noqa: PLC0415

    return Outbox(app.settings.home)


def _row(entry: Any) -> str:
    last = entry.last_attempt
    answer = f"{last.answer[:50]}" if last else "-"
    flag = " PLAINTEXT" if entry.plaintext else ""
    return (f"{entry.id}  {entry.state:<7}  {entry.channel:<6}  {entry.recipient[:32]:<32}  "
            f"{len(entry.attempts):>2}  {answer}{flag}")


@outbox.command(name="list")
@global_options
@cvd_command
def list_(app: AppContext) -> Result:
    """List the outbox: id, state, channel, recipient, attempts and the last answer."""
    box = _outbox(app)
    entries = box.list()
    data = {"outbox": str(box.dir), "entries": [e.to_dict() for e in entries]}
    if not entries:
        return Result(data=data, text=f"The outbox is empty ({box.dir}).")
    lines = [f"{'ID':<12}  {'STATE':<7}  {'VIA':<6}  {'TO':<32}  {'N':>2}  LAST ANSWER"]
    lines += [_row(e) for e in entries]
    pending = [e for e in entries if e.state == "pending"]
    if pending:
        lines.append(f"{len(pending)} waiting; `cvd-reporter outbox send` sends them (files in {box.dir}).")
    return Result(data=data, text="\n".join(lines))


@outbox.command(name="send")
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--force", is_flag=True, help="Send a GitHub report again although the last attempt may have "
                                            "reached GitHub (check its security advisories first).")
@global_options
@cvd_command
def send(app: AppContext, ident: str | None, force: bool) -> Result:
    """Send one waiting entry (ID or report id), or every waiting entry.

    A retry sends the stored message unchanged (same Message-ID / Idempotency-Key); an entry that
    was sent is never sent again. Exit 7 when a message could not be sent: it stays in the outbox.
    """
    from cvd_reporter.delivery.send import send_entry  # noqa: PLC0415

    box = _outbox(app)
    if ident is not None:
        entry = box.get(ident)
        if entry.state == "sent":
            note = f"{entry.id} was already sent on {entry.sent_at}; it is not sent again."
            return Result(data={"sent": [], "failed": [], "skipped": [entry.id]}, text=note,
                          findings=[_finding("already_sent", "info", note)])
        done = send_entry(box, entry.id, settings=app.settings, force=force)
        return Result(data={"sent": [done.to_dict()], "failed": [], "skipped": []}, text=_sent_line(done))

    sent, failed, errors, lines = [], [], [], []
    findings: list[Finding] = []
    for entry in [e for e in box.list() if e.state == "pending"]:
        try:
            done = send_entry(box, entry.id, settings=app.settings, force=force)
        except (DeliveryError, StoreError) as e:
            if e.code == "check_first":
                findings.append(_finding("check_first", "warning", e.message))
                continue
            failed.append(entry.id)
            errors.append(e.to_dict())
            continue
        sent.append(done.to_dict())
        lines.append(_sent_line(done))
    if not sent and not failed:
        lines.append("Nothing waits in the outbox." if not findings else "Nothing was sent.")
    if failed:
        lines.append(f"{len(failed)} message(s) could not be sent and stay in the outbox.")
    return Result(data={"sent": sent, "failed": failed, "skipped": []}, text="\n".join(lines), findings=findings,
                  errors=errors, exit_code=EXIT_DELIVERY if failed else EXIT_OK)


def _sent_line(entry: Any) -> str:
    last = entry.last_attempt
    return f"Sent {entry.id} ({entry.channel}) to {entry.recipient}: {last.answer if last else 'ok'}"


def _finding(code: str, severity: str, message: str) -> "Finding":
    from cvd_reporter.core.findings import Finding  # noqa: PLC0415 - kept out of start-up

    return Finding(code, severity, message)  # type: ignore[arg-type]
