"""The taq-news command line: one thin module per command over shared helpers (``_util``)."""

from taq_news.cli.app import main

__all__ = ["main"]
