"""ShowDesk: web chat with one-way video escalation for visual product troubleshooting."""

__version__ = "0.1.0"
