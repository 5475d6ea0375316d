"""Stage 4, raw articles and curated YAML become checked records: assembly, annotation passes, the compiled corpus."""
