"""Where things live in a TAQ-News checkout."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

CONFIGS = ("documents", "quotes", "entities", "ner")
SPLIT = "train"


def packaged_schema_dir() -> Path:
    """The JSON Schemas shipped inside the package (the checkout's schema/, linked in)."""
    return Path(str(files("taq_news") / "schemas"))


COLLECTION_MANIFEST = "_manifest.json"  # what marks a folder taq-news annotate wrote, and lists its files


class CheckoutMissing(FileNotFoundError):
    """A command that needs a TAQ-News checkout found none."""


def find_root(start: Path | None = None) -> Path:
    """The checkout that holds schema/ and dataset/: cwd upwards, then the package's own checkout."""
    candidates = []
    here = (start or Path.cwd()).resolve()
    candidates += [here, *here.parents]
    candidates += list(Path(__file__).resolve().parents)
    for c in candidates:
        if (c / "schema" / "document.schema.json").is_file() and (c / "dataset").is_dir():
            return c
    raise CheckoutMissing("no TAQ-News checkout found (a folder with schema/document.schema.json and dataset/); pass --root")


@dataclass(frozen=True)
class Layout:
    root: Path
    # Another folder shaped like dataset/ (raw/, annotations/, entities.yaml), such as the
    # development set under tests/dev: compiled and scored with the same code, never published.
    dataset_dir: Path | None = None

    @property
    def dataset(self) -> Path:
        return self.dataset_dir if self.dataset_dir is not None else self.root / "dataset"

    @property
    def raw(self) -> Path:
        return self.dataset / "raw"

    @property
    def manifest(self) -> Path:
        return self.raw / "SHA256SUMS"

    @property
    def annotations(self) -> Path:
        return self.dataset / "annotations"

    @property
    def registry(self) -> Path:
        return self.dataset / "entities.yaml"

    @property
    def data(self) -> Path:
        return self.dataset / "data"

    @property
    def card(self) -> Path:
        return self.dataset / "README.md"

    @property
    def loading_script(self) -> Path:
        return self.dataset / "taq_news.py"

    @property
    def croissant(self) -> Path:
        return self.dataset / "croissant.json"

    @property
    def citation(self) -> Path:
        return self.root / "CITATION.cff"

    @property
    def zenodo(self) -> Path:
        return self.root / ".zenodo.json"

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    def parquet(self, config: str) -> Path:
        return self.data / config / f"{SPLIT}-00000-of-00001.parquet"

    def rel(self, path: Path) -> str:
        """Path relative to the root (or, for a dataset folder kept outside the checkout, to that
        folder's parent), with forward slashes (stable across machines)."""
        bases = [self.root] + ([self.dataset_dir.parent] if self.dataset_dir is not None else [])
        for base in bases:
            try:
                return path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
        return str(path)


def checkout_of(path: Path) -> Layout | None:
    """The checkout a file or folder belongs to, if any."""
    for c in [path, *path.parents]:
        if (c / "schema" / "document.schema.json").is_file() and (c / "dataset").is_dir():
            return Layout(c)
    return None
