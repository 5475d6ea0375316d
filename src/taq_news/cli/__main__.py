"""``python -m taq_news.cli``: the same as the ``taq-news`` command."""

import sys

from taq_news.cli.app import main

sys.exit(main())
