"""TAQ-News: build, validate and publish an annotated news corpus."""

SCHEMA_VERSION = "1.0.0"
__version__ = "0.1.0"  # the dataset version (semver): the build writes it into CITATION.cff, the card and the loading script


def validate(*args, **kwargs):
    """Validate files or a dataset folder; see :func:`taq_news.validator.validate`."""
    from .validator import validate as _validate

    return _validate(*args, **kwargs)
