"""TAQ-News: build, validate and publish an annotated news corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from taq_news.core.version import SCHEMA_VERSION, __version__

if TYPE_CHECKING:
    from taq_news.core.incidents import Incident

__all__ = ["SCHEMA_VERSION", "__version__", "validate"]


def validate(*args: Any, **kwargs: Any) -> list[Incident]:
    """Validate files or a dataset folder; see :func:`taq_news.audit.dispatch.validate`."""
    # Imported here so that ``import taq_news`` stays cheap (no pyarrow, no spaCy).
    from taq_news.audit.dispatch import validate as _validate

    return _validate(*args, **kwargs)
