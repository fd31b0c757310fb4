"""Request and response bodies, as the OpenAPI document describes them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ArticleIn(BaseModel):
    """An article: the fields of a JSONL line. ``id`` is derived from ``url`` or the text
    when missing; ``published_at`` is ISO 8601 (a time, a day, ``YYYY-MM`` or ``YYYY``;
    no zone means UTC). Other keys are ignored."""

    model_config = ConfigDict(extra="allow")

    id: str | int | None = Field(None, description="at most 512 bytes of UTF-8, no control characters")
    text: str = Field(pattern=r"\S", max_length=5_000_000, description="the body as published")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = Field(None, pattern=r"^\s*\d{4}(-\d{2}(-\d{2}([T ].*)?)?)?\s*$", description="ISO 8601")
    lang: str | None = None


class CheckOptionsIn(BaseModel):
    """Thresholds of a check (defaults as ``attrib check``)."""

    model_config = ConfigDict(extra="forbid")

    candidates: int = Field(10, ge=1, le=100, description="how many retrieved articles to align")
    min_evidence: float = Field(2.0, ge=0, le=1024, description="fingerprints' worth of rare evidence a candidate needs")
    min_coverage: float = Field(0.02, ge=0, le=1, description="share of the article a source must cover")
    allowlist: list[str] = Field(default_factory=list, max_length=1000, description="outlets whose reuse is licensed")
    quotes: bool = Field(True, description="judge the article's quotes")
    paraphrase: bool = Field(True, description="also look for rewrites (the fuzzy sentence pass)")


class CheckRequest(ArticleIn):
    options: CheckOptionsIn = Field(default_factory=CheckOptionsIn)


class Report(BaseModel):
    """The ``attrib.report/1`` JSON report (docs/REPORT.md)."""

    model_config = ConfigDict(extra="allow")

    schema_: Literal["attrib.report/1"] = Field(alias="schema")
    article: dict[str, Any]
    verdict: Literal["copied", "licensed_reuse", "quoted", "no_source"]
    summary: str
    likely_original: dict[str, Any] | None
    sources: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    unattributed_quotes: int
    severity: float
    fingerprint_params: dict[str, Any] | None
    candidates_checked: int
    timings_ms: dict[str, float]


class ArticleMeta(BaseModel):
    id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    lang: str | None = None
    length: int


class AttributionOut(BaseModel):
    verdict: Literal["copied", "licensed_reuse", "quoted", "no_source"]
    original_id: str | None
    original_outlet: str | None
    copied_share: float
    unattributed_quotes: int
    checked_at: str | None


class StoredArticleOut(BaseModel):
    article: ArticleMeta
    story_id: str
    attribution: AttributionOut | None
    copies_seen: int


WriteStatusName = Literal["created", "updated", "exists", "conflict", "failed", "bad"]


class WriteItem(BaseModel):
    """What became of one article. ``bad``: the line is not an article (see ``field``)."""

    line: int | None = None
    id: str | None = None
    status: WriteStatusName
    error: str | None = None
    field: str | None = None
    attribution: AttributionOut | None = None
    check_error: str | None = None
    story_id: str | None = None


class BulkResult(BaseModel):
    errors: bool = Field(description="whether any item is failed, conflict or bad")
    counts: dict[str, int]
    items: list[WriteItem]


class SearchHitOut(BaseModel):
    story_id: str
    article: ArticleMeta
    attribution: AttributionOut | None
    copies: int = Field(description="copies folded under this story's original (0 when unfolded)")
    matched_id: str = Field(description="the article of the story that matched best")
    score: float | None
    snippet: str | None


class SearchResult(BaseModel):
    total: int = Field(description="matching stories (folded) or articles")
    page: int
    size: int
    story: str | None = None
    hits: list[SearchHitOut]


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None


class Health(BaseModel):
    status: str
    articles: int | None = None
