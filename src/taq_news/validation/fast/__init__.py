"""Fast paths that accept valid records in bulk and give the precise checks everything else (per record, columnar, JSONL to Arrow)."""
