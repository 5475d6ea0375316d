"""core.shapes: the character classes the validator and the registry share."""

from __future__ import annotations

import sys
import unicodedata

from taq_news.core.shapes import LINE_BREAKING, line_breaking


def test_the_line_breaking_class_is_exactly_categories_cc_zl_zp_over_every_code_point():
    # The class is written out for speed; this installed Python's Unicode database is the reference.
    wrong = [cp for cp in range(sys.maxunicode + 1)
             if 0xD800 > cp or cp > 0xDFFF
             if (LINE_BREAKING.match(chr(cp)) is not None) != (unicodedata.category(chr(cp)) in ("Cc", "Zl", "Zp"))]
    assert wrong == []


def test_line_breaking_names_the_first_offending_character():
    assert line_breaking("Zabihullah Mujahid") is None
    assert line_breaking("a\u00a0b\u200bc") is None  # a no-break space and a zero-width space are not line breaks
    assert line_breaking("one\u2028two\nthree") == "\u2028"
    assert line_breaking("tab\there") == "\t"


def test_the_columnar_path_s_copy_of_the_class_in_re2_matches_the_same_characters():
    import pyarrow as pa
    import pyarrow.compute as pc

    from taq_news.validation.record_rules import _LINE_BREAKING_RE2

    chars = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
    re2 = pc.match_substring_regex(pa.array(chars), _LINE_BREAKING_RE2).to_pylist()
    assert [c for c, hit in zip(chars, re2, strict=True) if hit != (LINE_BREAKING.match(c) is not None)] == []
