"""Pre-annotation of new raw articles (issue 6, in progress): drafts for curators to correct.

So far: outlet and date with their evidence (``metadata``). Furniture, quotes,
entities, the draft writer and ``taq-news preannotate`` are still to come.
"""
