"""Raw news collections -> sharded, validated, Hub-ready machine-annotated datasets (``taq-news annotate``).

``inputs`` streams articles from .txt folders and JSONL(.gz), ``article`` makes one
validated record from one article, ``shards`` runs one shard (pure, idempotent),
``engines`` runs shards locally or on Dask, ``card`` writes the dataset card, and
``run`` plans, runs and commits the whole.
"""
