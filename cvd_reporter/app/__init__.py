"""Use cases between the command line and the layers below.

``cli`` calls ``app``; ``app`` calls ``core`` (pure), ``net``, ``delivery`` and ``store``. Nothing in
``core``, ``net``, ``delivery`` or ``store`` imports ``app``.
"""
