"""Inter-annotator agreement, re-runnable by anyone: ``python scripts/agreement.py [--json]``.

Compares the two independent passes in dataset/annotations/passes/ with each
other and with the adjudicated gold. The definitions are in
src/taq_news/analysis/scoring.py; the same table is written into README.md and the
dataset card by ``make dataset``.
"""

import sys

from taq_news.cli import main

if __name__ == "__main__":
    sys.exit(main(["agreement", *sys.argv[1:]]))
