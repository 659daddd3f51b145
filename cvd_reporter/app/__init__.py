"""Use cases between the command line and the layers below.

``cli`` builds one :class:`cvd_reporter.app.context.Context` per invocation (settings, clock, terminal,
home, network) and calls ``app``; ``app`` calls ``core`` (pure), ``net``, ``delivery`` and ``store``.
Nothing in ``core``, ``net``, ``delivery`` or ``store`` imports ``app`` (tests/test_architecture.py).
"""
