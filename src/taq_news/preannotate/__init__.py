"""Pre-annotation of new raw articles: a machine-marked draft for curators to correct.

One module per step, each a pure function of its input:
``furniture`` (page parts and furniture lines on the raw page), ``metadata``
(outlet and date with evidence), ``entities`` (registry EntityRuler and value
rules), ``cues`` and ``quotes`` (quotes on spaCy tokens), ``speakers`` (speaker
and addressee resolution), ``pipeline`` (the spaCy pipeline) and ``draft``
(everything together, written in the curated YAML format).
"""
