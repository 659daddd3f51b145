"""Driving the wizard in a real pseudo-terminal (pexpect): the keys, the escape codes to strip from
what the screen showed, and the environment of a terminal session.

PROMPT_TOOLKIT_NO_CPR=1 because nobody in a bare pty answers the cursor-position request (without
it each prompt waits about a second).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.support.paths import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")
DOWN, ENTER, CTRL_C, ESC_ENTER = "\x1b[B", "\r", "\x03", "\x1b\r"


def wizard_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVD_") and k not in ("EDITOR", "VISUAL")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(ROOT), LANG="C.UTF-8",
               CVD_REPORTER_HOME=str(home), CVD_REPORTER_NAME="Alice", CVD_REPORTER_EMAIL="alice@example.org",
               CVD_TIMEOUT="2", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env
