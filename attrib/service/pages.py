"""The editors' web pages of ``attrib serve``: search, a story, a stored article with its
attribution, and checking a pasted article, each showing the side-by-side report.

Server-rendered HTML over the same store, search and check calls as the JSON API (the
handlers of :mod:`attrib.service.app` and these share the store per thread and the check
runner), with one small script: the report's (:data:`attrib.report.REPORT_JS`) and a
line that disables the check button while a check runs. Nothing is loaded from outside
the service: the Content-Security-Policy header allows only the page's own style sheet
and script, by hash, and forms that post back to the service.

Without API keys, the pages serve loopback clients like the API. With keys, a browser
cannot send an ``Authorization`` header on a link, so ``/signin`` takes a key once and
keeps it in an HttpOnly, SameSite=Strict cookie; the pages accept that cookie (or the
API's headers) and the key's scope (a ``read`` key can search, view and check).
"""

from __future__ import annotations

import html
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs, quote, urlencode

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from attrib.article import Article, parse_datetime
from attrib.errors import InputError
from attrib.report import (
    QUOTED_ORIGINAL_WORDS, REPORT_CSS, REPORT_JS, VERDICT_WORDS, Verdict, csp_hash, report_body, text_html,
)
from attrib.safe_text import html_document
from attrib.service.auth import Scope, hash_key
from attrib.service.problems import Problem
from attrib.store.base import SearchQuery, StoredArticle

COOKIE = "attrib_key"
PAGE_SIZE = 20

PAGE_CSS = REPORT_CSS + """
.bar{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#1d1d1d;color:#fff;font:15px sans-serif}
.bar a{color:#fff}.bar .brand{font-weight:bold;text-decoration:none;font-size:17px}
.bar nav{display:flex;gap:18px}.bar a[aria-current]{text-decoration:underline 2px}
main{padding:16px 24px;max-width:1100px}main.wide{max-width:none;padding:0}
main h1{font-size:22px;margin:8px 0 12px}
form.search,form.check{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:end;font:14px sans-serif;margin:0 0 16px}
form label{display:flex;flex-direction:column;gap:3px}
input,textarea,button{font:inherit;padding:5px 8px;border:1px solid #999;border-radius:3px;background:#fff;color:#1d1d1d}
input:focus-visible,textarea:focus-visible,button:focus-visible{outline:3px solid #1a5276;outline-offset:1px}
form.check{flex-direction:column;align-items:stretch}form.check .row{display:flex;flex-wrap:wrap;gap:8px 12px}
textarea{width:100%;min-height:18em;font:15px/1.5 Georgia,serif;box-sizing:border-box}
button{background:#1a5276;color:#fff;border-color:#1a5276;cursor:pointer}button[disabled]{opacity:.6}
label.inline{flex-direction:row;align-items:center;gap:6px}
.hits{list-style:none;padding:0;margin:0}.hit{background:#fff;border:1px solid #ddd;padding:10px 14px;margin:0 0 10px}
.hit h2{font-size:17px;margin:0 0 4px}.meta{font:13px sans-serif;color:#555}
.badge{display:inline-block;padding:0 7px;border-radius:3px;font:bold 11px/1.7 sans-serif;text-transform:uppercase;vertical-align:2px;margin-right:6px}
.badge.original{background:#1d7a43;color:#fff}.badge.copy{background:#b03a2e;color:#fff}.badge.unchecked{background:#ddd;color:#333}
.snippet{margin:6px 0 0;color:#333}.pager{display:flex;gap:16px;font:14px sans-serif}
.facts{background:#fff;border:1px solid #ddd;padding:10px 16px;font:14px sans-serif}
.facts dt{font-weight:bold;float:left;clear:left;width:11em}.facts dd{margin:0 0 4px 11em}
.article{background:#fff;border:1px solid #ddd;padding:12px 16px;white-space:pre-wrap;overflow-wrap:anywhere}
.error{background:#fdedec;border:1px solid #b03a2e;padding:8px 12px;font:14px sans-serif}
.actions{margin:12px 0;font:14px sans-serif}
"""

PAGE_JS = REPORT_JS + """
document.querySelectorAll('form.check').forEach(function (form) {
  form.addEventListener('submit', function () {
    var button = form.querySelector('button');
    if (button) { button.disabled = true; button.textContent = 'Checking\\u2026'; }
  });
});
"""

PAGE_CSP = (f"default-src 'none'; style-src {csp_hash(PAGE_CSS)}; script-src {csp_hash(PAGE_JS)}; "
            "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""The pages' Content-Security-Policy: their own style sheet and script (by hash), the
icon, forms posting back here; nothing else from anywhere."""

_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
         'fill="#1a5276"/><path d="M4 12 8 3l4 9M5.5 9h5" stroke="#fff" stroke-width="1.8" fill="none"/></svg>')

_KEY_FORM_HELP = "This service needs an API key. It is kept in a cookie for this browser only."


def _e(value: Any) -> str:
    return html.escape(str(value))


def _page(title: str, body: str, *, current: str = "", wide: bool = False, status: int = 200) -> HTMLResponse:
    nav = "".join(
        f'<a href="{href}"{" aria-current=page" if current == name else ""}>{label}</a>'
        for name, href, label in (("search", "/", "Search"), ("check", "/check", "Check an article"))
    )
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        '<link rel=icon href="/favicon.svg" type="image/svg+xml">'
        f"<title>{_e(title)} · attrib</title><style>{PAGE_CSS}</style></head><body>"
        f'<header class="bar"><a class="brand" href="/">attrib</a><nav aria-label="main">{nav}</nav></header>'
        f'<main class="{"wide" if wide else ""}">{body}</main><script>{PAGE_JS}</script></body></html>\n'
    )
    return HTMLResponse(html_document(document), status_code=status, headers={
        "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    })


def _when(article: Article) -> str:
    t = article.published_at
    if t is None:
        return ""
    return t.label() if hasattr(t, "label") else f"{t:%Y-%m-%d %H:%M %Z}".strip()


def _title(article: Article) -> str:
    return article.title or article.id


def _badge(stored: StoredArticle) -> str:
    if stored.attribution is None and stored.story_id == stored.article.id and not stored.copies_seen:
        return '<span class="badge unchecked" title="not checked on arrival">unchecked</span>'
    if stored.story_id == stored.article.id:
        return '<span class="badge original">original</span>'
    return '<span class="badge copy">copy</span>'


def _meta(article: Article) -> str:
    parts = [_e(article.outlet) if article.outlet else "", _e(_when(article)), f"id {_e(article.id)}"]
    return " · ".join(p for p in parts if p)


def _article_href(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def install_pages(app: FastAPI, *, stores, run: Callable, keys: Mapping[str, Scope], check_timeout: float,
                  options: Callable[[], Any]) -> None:
    """Add the pages to ``app``: ``stores`` and ``run`` are the API's store-per-thread and
    check runner, ``options`` makes the check options of a pasted article."""

    def allowed(request: Request) -> bool:
        if not keys:
            return True  # the guard already let only loopback clients through
        header = request.headers.get("authorization", "")
        presented = (header[7:].strip() if header.lower().startswith("bearer ") else None) \
            or request.headers.get("x-api-key") or request.cookies.get(COOKIE)
        return bool(presented) and keys.get(hash_key(presented)) is not None

    def gate(request: Request) -> Response | None:
        if allowed(request):
            return None
        return RedirectResponse("/signin?next=" + quote(request.url.path + ("?" + request.url.query if request.url.query else ""), safe=""),
                                status_code=303)

    async def form(request: Request) -> dict[str, str]:
        body = (await request.body()).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    @app.get("/favicon.svg", include_in_schema=False)
    @app.get("/favicon.ico", include_in_schema=False)
    async def icon():
        return Response(_ICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/signin", include_in_schema=False)
    async def signin_form(next: str = "/", error: str = ""):
        message = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
        return _page("Sign in", (
            f"<h1>Sign in</h1>{message}<p>{_KEY_FORM_HELP}</p>"
            '<form class="search" method="post" action="/signin">'
            f'<input type="hidden" name="next" value="{_e(next)}">'
            '<label>API key <input name="key" type="password" autocomplete="off" required></label>'
            "<button>Sign in</button></form>"))

    @app.post("/signin", include_in_schema=False)
    async def signin(request: Request):
        fields = await form(request)
        key = fields.get("key", "").strip()
        target = fields.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if keys and keys.get(hash_key(key)) is None:
            return RedirectResponse("/signin?" + urlencode({"next": target, "error": "That key is not valid."}), status_code=303)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    # -- search and stories ------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def search_page(request: Request, q: str = "", outlet: str = "", since: str = "", until: str = "",
                          originals: str = "", story: str = "", page: int = 1):
        if (refused := gate(request)) is not None:
            return refused
        page = max(1, min(page, 10_000 // PAGE_SIZE))
        error = ""
        try:
            query = SearchQuery(text=q.strip() or None, outlet=outlet.strip() or None,
                                since=parse_datetime(since.strip() or None, "since"),
                                until=parse_datetime(until.strip() or None, "until"),
                                originals_only=bool(originals), story=story.strip() or None,
                                page=page, size=PAGE_SIZE)
            found = await run_in_threadpool(lambda: stores.get().search(query))
        except InputError as e:
            found, error = None, str(e)
        search_form = (
            '<form class="search" method="get" action="/" role="search">'
            f'<label>Search titles and text <input name="q" type="search" value="{_e(q)}" size="40" autofocus></label>'
            f'<label>Outlet <input name="outlet" value="{_e(outlet)}" size="14"></label>'
            f'<label>Published from <input name="since" value="{_e(since)}" placeholder="2024-10-01" size="11"></label>'
            f'<label>before <input name="until" value="{_e(until)}" placeholder="2024-11-01" size="11"></label>'
            f'<label class="inline"><input type="checkbox" name="originals" value="1"{" checked" if originals else ""}> originals only</label>'
            "<button>Search</button></form>"
        )
        parts = []
        if story:
            parts.append('<h1>One story: every article that copies it</h1><p class="meta">Oldest first. '
                         '<a href="/">Back to search</a></p>')
        else:
            parts.append("<h1>Search the archive</h1>" + search_form)
        if error:
            parts.append(f'<p class="error" role="alert">{_e(error)}</p>')
        elif found is not None:
            noun = "article" if story else "story"
            plural = noun if found.total == 1 else ("articles" if story else "stories")
            parts.append(f'<p class="meta" id="total">{found.total:,} {plural}'
                         + ("" if story else ", each shown once: its original, with its copies folded under it") + "</p>")
            parts.append('<ol class="hits">')
            for hit in found.hits:
                parts.append(_hit(hit, story=bool(story)))
            parts.append("</ol>")
            parts.append(_pager(request, page, found.total))
        return _page("Search" if not story else "Story", "".join(parts), current="search")

    def _hit(hit, *, story: bool) -> str:
        stored = hit.stored
        article = stored.article
        copies = ""
        if not story and hit.copies:
            noun = "copy" if hit.copies == 1 else "copies"
            copies = (f' · <a class="copies" href="/?{urlencode({"story": stored.story_id})}">'
                      f"{hit.copies} {noun}</a>")
        matched = ""
        if hit.matched_id != article.id:
            matched = f' · matched in the copy <a href="{_article_href(hit.matched_id)}">{_e(hit.matched_id)}</a>'
        verdict = ""
        if story and stored.attribution is not None and stored.story_id != article.id:
            verdict = f" · copied {stored.attribution.copied_share:.0%} of its text"
        snippet = f'<p class="snippet">{_e(hit.snippet)}</p>' if hit.snippet else ""
        return (f'<li class="hit"><h2>{_badge(stored)}<a href="{_article_href(article.id)}">{_e(_title(article))}</a></h2>'
                f'<div class="meta">{_meta(article)}{copies}{matched}{verdict}</div>{snippet}</li>')

    def _pager(request: Request, page: int, total: int) -> str:
        links = []
        params = dict(request.query_params)
        if page > 1:
            links.append(f'<a rel="prev" href="/?{_e(urlencode({**params, "page": page - 1}))}">← newer or better</a>')
        if page * PAGE_SIZE < min(total, 10_000):
            links.append(f'<a rel="next" href="/?{_e(urlencode({**params, "page": page + 1}))}">more →</a>')
        return f'<nav class="pager" aria-label="pages">{"".join(links)}</nav>' if links else ""

    # -- one stored article --------------------------------------------------------------

    @app.get("/articles/{article_id}", include_in_schema=False)
    async def article_page(request: Request, article_id: str):
        if (refused := gate(request)) is not None:
            return refused
        stored = await run_in_threadpool(lambda: stores.get().get_stored([article_id]).get(article_id))
        if stored is None:
            return _page("Not found", f'<h1>No such article</h1><p class="error" role="alert">No article {_e(article_id)} is stored.</p>',
                         status=404)
        article = stored.article
        facts = [("Outlet", _e(article.outlet or "—")), ("Published", _e(_when(article) or "—"))]
        if article.url and article.url.startswith(("http://", "https://")):
            facts.append(("Address", f'<a href="{_e(article.url)}" rel="noopener noreferrer">{_e(article.url)}</a>'))
        a = stored.attribution
        if a is None:
            facts.append(("Attribution", "not checked on arrival (check it now, below)"))
        else:
            verdict = Verdict(a.verdict) if a.verdict in {v.value for v in Verdict} else None
            head, meaning = VERDICT_WORDS[verdict] if verdict else (a.verdict, "")
            facts.append(("Attribution", f"<strong>{_e(head)}</strong>: {_e(meaning)}"))
            if a.original_id:
                label = QUOTED_ORIGINAL_WORDS if verdict is Verdict.QUOTED else "Likely original"
                facts.append((label, f'<a href="{_article_href(a.original_id)}">{_e(a.original_id)}</a>'
                              + (f" ({_e(a.original_outlet)})" if a.original_outlet else "")
                              + (f"; it covers {a.copied_share:.0%} of this article" if a.copied_share else "")))
            facts.append(("Quotes taken without credit", str(a.unattributed_quotes)))
            if a.checked_at:
                facts.append(("Checked", _e(f"{a.checked_at:%Y-%m-%d %H:%M %Z}".strip())))
        story = (f'<a href="/?{urlencode({"story": stored.story_id})}">the story</a>'
                 + (f" ({stored.copies_seen} {'copy' if stored.copies_seen == 1 else 'copies'})" if stored.story_id == article.id else ""))
        facts.append(("Story", ("this article is the original of " if stored.story_id == article.id else "a copy in ") + story))
        body = (
            f"<h1>{_badge(stored)}{_e(_title(article))}</h1>"
            '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
            f'<p class="actions"><a id="report-link" href="{_article_href(article.id)}/report">'
            "Show the side-by-side report (checks it against the archive now)</a></p>"
            f'<h2>Text</h2><div class="article" tabindex="0">{text_html(article.text)}</div>'
        )
        return _page(_title(article), body, current="search")

    @app.get("/articles/{article_id}/report", include_in_schema=False)
    async def article_report(request: Request, article_id: str):
        if (refused := gate(request)) is not None:
            return refused
        from attrib.detect import check

        stored = await run_in_threadpool(lambda: stores.get().get_stored([article_id]).get(article_id))
        if stored is None:
            return _page("Not found", f'<h1>No such article</h1><p class="error" role="alert">No article {_e(article_id)} is stored.</p>',
                         status=404)
        try:
            report = await run(lambda: check(stored.article, stores.get(), options()), check_timeout)
        except Problem as e:
            return _page("Report", f'<h1>No report</h1><p class="error" role="alert">{_e(e.detail)}</p>', status=e.status)
        return _page(f"Report: {_title(stored.article)}", report_body(report), current="search", wide=True)

    # -- check a pasted article ----------------------------------------------------------

    def _check_form(values: Mapping[str, str], error: str = "") -> str:
        message = f'<p class="error" role="alert">{_e(error)}</p>' if error else ""
        return (
            "<h1>Check an article</h1>"
            "<p>Paste an article to find where it came from, what was copied and whose quotes were taken "
            "without credit. It is checked against the archive and not stored.</p>" + message
            + '<form class="check" method="post" action="/check">'
            f'<label>Text <textarea name="text" required>{_e(values.get("text", ""))}</textarea></label>'
            '<div class="row">'
            f'<label>Title (optional) <input name="title" value="{_e(values.get("title", ""))}" size="40"></label>'
            f'<label>Outlet (optional) <input name="outlet" value="{_e(values.get("outlet", ""))}" size="16"></label>'
            f'<label>Published (optional) <input name="published_at" value="{_e(values.get("published_at", ""))}" '
            'placeholder="2024-10-22 or 2024-10-22T12:00Z" size="22"></label>'
            "</div><div><button>Check</button></div></form>"
        )

    @app.get("/check", include_in_schema=False)
    async def check_form(request: Request):
        if (refused := gate(request)) is not None:
            return refused
        return _page("Check an article", _check_form({}), current="check")

    @app.post("/check", include_in_schema=False)
    async def check_pasted(request: Request):
        if (refused := gate(request)) is not None:
            return refused
        from attrib.detect import check

        values = await form(request)
        text = values.get("text", "").replace("\r\n", "\n")
        if not text.strip():
            return _page("Check an article", _check_form(values, "Paste the article's text first."), current="check", status=422)
        record = {"text": text}
        for name in ("title", "outlet", "published_at"):
            if values.get(name, "").strip():
                record[name] = values[name].strip()
        try:
            article = Article.from_dict(record)
        except InputError as e:
            return _page("Check an article", _check_form(values, str(e)), current="check", status=422)

        def work():
            store = stores.get()
            if store.count() == 0:
                raise Problem(409, "the store holds no articles yet: index an archive first")
            return check(article, store, options())

        try:
            report = await run(work, check_timeout)
        except Problem as e:
            return _page("Check an article", _check_form(values, e.detail), current="check", status=e.status)
        return _page(f"Report: {_title(article)}", report_body(report), current="check", wide=True)
