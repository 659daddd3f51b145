"""Plain helpers shared by the tests: constants, data builders and functions (no pytest fixtures;
those live in the conftest.py of the folder that uses them)."""
