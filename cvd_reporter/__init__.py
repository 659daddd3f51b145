"""cvd-reporter: report vulnerabilities under a Coordinated Vulnerability Disclosure policy."""

__version__ = "0.1.0"
