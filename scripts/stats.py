"""Corpus statistics: ``python scripts/stats.py`` (the card shows the same tables)."""

import sys

from taq_news.cli import main

if __name__ == "__main__":
    sys.exit(main(["stats", *sys.argv[1:]]))
