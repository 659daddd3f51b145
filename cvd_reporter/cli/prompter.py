"""A small prompter interface for the wizard (prompts are injected, so tests script them by question name).

- :class:`QuestionaryPrompter` asks on a real terminal with questionary, always through
  ``unsafe_ask()`` so Ctrl-C raises KeyboardInterrupt (the wizard saves the draft and exits 130)
  instead of quietly returning None.
- :class:`ScriptedPrompter` answers by question *name* for tests: reordering questions does not
  break a test, and a question nobody scripted is an error, not a silent default.

Every question has a name, a default, and (for free text) a ``validate`` callback that returns an
error sentence or None; an answer that fails is refused with that sentence and asked again.
questionary is imported inside the adapter only (fast ``--help``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

import click
import questionary
from prompt_toolkit.output import create_output

from cvd_reporter.core.answer_checks import parse_yes_no
from cvd_reporter.core.display import printable
from cvd_reporter.core.i18n import N_, say

Validator = Callable[[str], "str | None"]
ListValidator = Callable[[list], "str | None"]


@dataclass(frozen=True)
class Choice:
    value: str
    title: str


class Prompter(Protocol):
    def text(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
             instruction: str | None = None) -> str: ...

    def editor(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
               instruction: str | None = None) -> str: ...

    def select(self, name: str, message: str, choices: Sequence[Choice], *, default: str | None = None) -> str: ...

    def confirm(self, name: str, message: str, *, default: bool | None = True) -> bool:
        """Yes or no. ``default=None``: a statement; Enter does not answer it."""
        ...

    def checkbox(self, name: str, message: str, choices: Sequence[Choice], *, default: Sequence[str] = (),
                 validate: ListValidator | None = None) -> list[str]: ...

    def say(self, message: str) -> None: ...


# ---------------------------------------------------------------------------- questionary
class QuestionaryPrompter:
    """Real prompts on a terminal. ``output`` is where prompts are drawn (stderr under --json)."""

    def __init__(self, *, output: TextIO | None = None, editor: str | None = None, lang: str = "en") -> None:
        self.stream = output or sys.stdout
        self.lang = lang  # the language of the widgets' own hints ("(j/n)", "(pijltjestoetsen)")
        self.editor_command = editor if editor is not None else (os.environ.get("VISUAL") or os.environ.get("EDITOR"))
        self._kw: dict[str, Any] = {}
        if output is not None and output is not sys.stdout:
            self._kw["output"] = create_output(stdout=output)

    @staticmethod
    def _qv(validate: Validator | None) -> Any:
        if validate is None:
            return None
        return lambda value: True if (err := validate(value)) is None else err

    def text(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
             instruction: str | None = None) -> str:
        return questionary.text(message, default=default or "", validate=self._qv(validate),
                                instruction=instruction, **self._kw).unsafe_ask()

    def editor(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
               instruction: str | None = None) -> str:
        """Long text: $VISUAL/$EDITOR when set (like git commit), else a multi-line prompt."""
        if not self.editor_command:
            # the instruction stays short: it shares the line with the input (a long one squeezes the input)
            return questionary.text(message, default=default or "", multiline=True, validate=self._qv(validate),
                                    instruction=instruction or say(self.lang, "prompt.multiline"),
                                    **self._kw).unsafe_ask()

        text = default or ""
        while True:
            self.say(say(self.lang, "prompt.editor", message=message, editor=self.editor_command.split()[0]))
            edited = click.edit(text, editor=self.editor_command, extension=".txt", require_save=False)
            text = (edited if edited is not None else text).strip("\n")
            err = validate(text) if validate else None
            if err is None:
                return text
            self.say(f"  {err}")

    def select(self, name: str, message: str, choices: Sequence[Choice], *, default: str | None = None) -> str:
        qchoices = [questionary.Choice(c.title, value=c.value) for c in choices]
        start = next((c for c in qchoices if c.value == default), None)
        return questionary.select(message, choices=qchoices, default=start, instruction=say(self.lang, "prompt.select"),
                                  **self._kw).unsafe_ask()

    def confirm(self, name: str, message: str, *, default: bool | None = True) -> bool:
        """Typed, not one key: ``j``/``ja``/``n``/``nee`` (or y/yes/no) and Enter, so a stray key
        press never answers; Enter alone takes ``default``, and answers nothing when it is None."""
        hint = {True: N_("prompt.yes_no.yes"), False: N_("prompt.yes_no.no"), None: N_("prompt.yes_no.none")}[default]

        def check(value: str) -> bool | str:
            if parse_yes_no(value) is not None or (not value.strip() and default is not None):
                return True
            why = N_("prompt.yes_no.invalid") if value.strip() else N_("prompt.yes_no.required")
            return say(self.lang, why)

        answer = questionary.text(message, validate=check, instruction=say(self.lang, hint), **self._kw).unsafe_ask()
        parsed = parse_yes_no(answer)
        return bool(default) if parsed is None else parsed

    def checkbox(self, name: str, message: str, choices: Sequence[Choice], *, default: Sequence[str] = (),
                 validate: ListValidator | None = None) -> list[str]:
        qchoices = [questionary.Choice(c.title, value=c.value, checked=c.value in default) for c in choices]
        kw: dict[str, Any] = dict(self._kw, instruction=say(self.lang, "prompt.checkbox"))
        if validate is not None:
            kw["validate"] = lambda values: True if (err := validate(list(values))) is None else err
        return list(questionary.checkbox(message, choices=qchoices, **kw).unsafe_ask())

    def say(self, message: str) -> None:
        print(printable(message), file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- scripted (tests)
class UnscriptedQuestion(AssertionError):
    """The wizard asked something the test did not script (or ran out of answers for it)."""


DEFAULT = object()  # scripted answer: accept the default, as pressing Enter does
INTERRUPT = object()  # scripted answer: the user presses Ctrl-C at this question


class Seq:
    """Several scripted answers for one question, given in turn (e.g. an invalid one, then a valid one)."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)


class ScriptedPrompter:
    """Answers by question name. ``answers[name]`` is a value, :data:`DEFAULT`, :data:`INTERRUPT`, or a
    :class:`Seq` of those. A plain value is reused when the question comes again (going back);
    a Seq is consumed. Records what was asked (``asked``), shown (``said``), every validation
    error per question (``errors``), the defaults (``defaults``), texts (``messages``) and the
    options offered by a select (``choices``)."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = dict(answers)
        self.asked: list[str] = []
        self.said: list[str] = []
        self.errors: dict[str, list[str]] = {}
        self.defaults: dict[str, Any] = {}
        self.messages: dict[str, str] = {}
        self.choices: dict[str, list[Choice]] = {}
        self._queues: dict[str, list[Any]] = {k: list(v.answers) for k, v in self.answers.items() if isinstance(v, Seq)}

    def _next(self, name: str, message: str, default: Any) -> Any:
        self.asked.append(name)
        self.defaults[name] = default
        self.messages[name] = message
        if name not in self.answers:
            raise UnscriptedQuestion(f"unscripted question {name!r}: {message}")
        if name in self._queues:
            if not self._queues[name]:
                raise UnscriptedQuestion(f"no scripted answers left for {name!r}: {message}")
            value = self._queues[name].pop(0)
        else:
            value = self.answers[name]
        if value is INTERRUPT:
            raise KeyboardInterrupt
        return default if value is DEFAULT else value

    def _validated(self, name: str, message: str, default: Any, validate: Callable[[Any], str | None] | None) -> Any:
        while True:
            value = self._next(name, message, default)
            err = validate(value) if validate else None
            if err is None:
                return value
            self.errors.setdefault(name, []).append(err)

    def text(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
             instruction: str | None = None) -> str:
        return str(self._validated(name, message, default, validate))

    def editor(self, name: str, message: str, *, default: str = "", validate: Validator | None = None,
               instruction: str | None = None) -> str:
        return str(self._validated(name, message, default, validate))

    def select(self, name: str, message: str, choices: Sequence[Choice], *, default: str | None = None) -> str:
        values = [c.value for c in choices]
        self.choices[name] = list(choices)
        value = self._next(name, message, default)
        if value not in values:
            raise UnscriptedQuestion(f"{name!r}: {value!r} is not one of the choices {values}")
        return value

    def confirm(self, name: str, message: str, *, default: bool | None = True) -> bool:
        while True:
            value = self._next(name, message, default)
            if value is not None or default is not None:
                break
            if name not in self._queues:  # Enter again and again: nothing would ever answer it
                raise UnscriptedQuestion(f"{name!r} has no default; Enter does not answer it: {message}")
            self.errors.setdefault(name, []).append("no default: Enter does not answer this")  # as on a terminal
        if not isinstance(value, bool):
            raise UnscriptedQuestion(f"{name!r} is a yes/no question, scripted with {value!r}")
        return value

    def checkbox(self, name: str, message: str, choices: Sequence[Choice], *, default: Sequence[str] = (),
                 validate: ListValidator | None = None) -> list[str]:
        values = {c.value for c in choices}
        result = self._validated(name, message, list(default), validate)
        unknown = [v for v in result if v not in values]
        if unknown:
            raise UnscriptedQuestion(f"{name!r}: {unknown} are not among the choices {sorted(values)}")
        return list(result)

    def say(self, message: str) -> None:
        self.said.append(message)

    @property
    def transcript(self) -> str:
        return "\n".join(self.said)
