"""Pure logic: no network, no files, no prompts. ``now`` and fetchers are parameters.

Importing this package must not load click, questionary, requests or dnspython
(tests/test_architecture.py checks that in a fresh interpreter).
"""
