"""The record fields a term is matched in (trends, bursts, networks, keywords)."""

# Which record fields make up each matchable field (Chinese and English parts are searched together).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title_zh", "title_en"),
    "keywords": ("keywords_zh", "keywords_en"),
    "abstract": ("abstract_zh", "abstract_en"),
    "body": ("body",),
}
# Body text is left out by default: full texts mention nearly everything somewhere, and abstract-only
# records repeat the abstract there. Titles, author keywords and abstracts are what bibliometrics counts.
DEFAULT_FIELDS: tuple[str, ...] = ("title", "keywords", "abstract")
# The segmented tokens (tokens.parquet) as one more field: a token containing a term matches. Opt-in,
# because the tokens cover whatever text the build segmented, whichever fields were asked for.
TOKENS_FIELD = "tokens"
FIELDS = (*FIELD_COLUMNS, TOKENS_FIELD)
