"""TAQ-News: build, validate and publish an annotated news corpus."""

from taq_news.core.version import SCHEMA_VERSION, __version__

__all__ = ["SCHEMA_VERSION", "__version__", "validate"]


def validate(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Validate files or a dataset folder; see :func:`taq_news.audit.dispatch.validate`."""
    # Imported here so that ``import taq_news`` stays cheap (no pyarrow, no spaCy).
    from taq_news.audit.dispatch import validate as _validate

    return _validate(*args, **kwargs)
