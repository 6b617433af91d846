"""Article page templates, one per outlet, with the clutter real outlets add.

Every template puts the article's paragraphs in the page together with
navigation, a cookie banner, ad slots (one inside the text), share buttons, a
newsletter prompt, comments and related stories. ``CLUTTER`` lists the fixed
strings of each outlet's article pages; none of them may reach extracted text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from html import escape

from tests.newsweb import notices
from tests.newsweb.model import Article, Outlet
from tests.newsweb.pages import (
    ad_slot,
    ago,
    document,
    head,
    long_date,
    nav,
    rotating_ad,
)

logger = logging.getLogger(__name__)

REPLY_NOTE = "Your email address will not be published. Required fields are marked *"

COMMENTS = {
    "daily-courier": [
        ("Margaret H.", "About time somebody asked these questions, thank you for covering it properly."),
        ("kevin_p", "I was at that meeting and it was chaos from start to finish, nobody could hear a thing."),
        ("Sue Parfitt", "Same story every year round here and nothing ever changes for ordinary folk."),
    ],
    "metro-tribune": [
        ("CityWatcher", "Would be good to see the full document rather than selected quotes from it."),
        ("D. Amankwah", "My street has been waiting for this since before my kids were born."),
        ("northgate_nan", "They said exactly the same thing in the last election leaflets."),
    ],
    "harbour-gazette": [
        ("Old Salt", "Lived on the quay forty years and never seen the water this high in winter."),
        ("bea.w", "Thanks for the update, the council website tells us nothing at all."),
        ("P. Trelawney", "Anyone know if the drop-in session is wheelchair accessible this time?"),
    ],
    "example-press": [
        ("reader4471", "Clear and balanced summary, more of this kind of reporting please."),
        ("Gwen Ap Rhys", "The headline undersells how tense the room apparently was."),
        ("m.costa", "Waiting for the next round before drawing any conclusions from this."),
    ],
    notices.NAME: [],  # the opt-in outlet takes no comments
}

CLUTTER = {
    "daily-courier": [
        "We use cookies to give you the best experience on The Daily Courier.",
        "Accept all cookies",
        "Advertisement",
        "Sponsored:",
        "Share this article",
        "Also Read",
        "Source link",
        "To be informed of the latest articles, subscribe:",
        "Leave a Reply",
        REPLY_NOTE,
        "Related Articles",
        "Catch all the Local News, Breaking News Event and Latest News Updates on The Daily Courier",
        "Download The Daily Courier App to get the Daily News Update & Follow us on Google News.",
    ],
    "metro-tribune": [
        "Metro Tribune uses cookies and similar technologies.",
        "Manage preferences",
        "Press play to listen to this article",
        "Advertisements",
        "Sponsored:",
        "Share this article",
        "Show More",
        "Sign up for the Metro Tribune morning briefing",
        "Related Articles",
        "Leave a Reply",
        REPLY_NOTE,
    ],
    "harbour-gazette": [
        "Edit post Follow this blog Administration + Create my blog",
        "This site uses cookies. By continuing to browse you accept their use.",
        "Advertisement",
        "Sponsored:",
        "Share this article",
        "To be informed of the latest articles, subscribe:",
        "Comment on this post",
        "You might also like",
        "Leave a Reply",
    ],
    "example-press": [
        "Example Press uses cookies to measure readership.",
        "Advertisement",
        "Sponsored:",
        "Share this article",
        "More from Example Press",
        "End of Article",
        "Next Story",
        "Read More News On",
        "Be the first to comment",
        "Leave a Reply",
        REPLY_NOTE,
    ],
    notices.NAME: [
        "This site uses essential cookies only.",
        "Share this article",
        "Sign up for flood alerts",
        "Print this notice",
        "Other reports",
    ],
}


@dataclass(frozen=True, slots=True)
class PageContext:
    """Everything a template needs to render one response."""

    outlet: Outlet
    article: Article
    related: list[Article]
    request_number: int
    now: datetime
    padding_head: str = ""
    padding_foot: str = ""


def clutter_strings(outlet_name: str, related: list[Article] = ()) -> list[str]:
    """Fixed clutter of an outlet's article pages, plus comments and the given related titles."""
    strings = list(CLUTTER[outlet_name])
    strings += [text for _, text in COMMENTS[outlet_name]]
    strings += [article.title for article in related]
    return strings


def _paragraphs(article: Article, ad: str, ad_after: int = 3, extra_after: int | None = None, extra: str = "") -> str:
    out = []
    for index, paragraph in enumerate(article.paragraphs, start=1):
        out.append(f"<p>{escape(paragraph, quote=False)}</p>")
        if index == ad_after:
            out.append(ad)
        if index == extra_after:
            out.append(extra)
    if extra_after is not None and extra_after > len(article.paragraphs):
        out.append(extra)
    if article.unsafe_html:
        out.append(article.unsafe_html)
    return "\n".join(out)


def _comments(outlet_name: str, heading: str = "Comments") -> str:
    items = "".join(
        f'<li class="comment"><cite class="fn">{escape(name)}</cite> <span class="says">says:</span>'
        f'<p>{escape(text)}</p><a class="reply" href="#respond">Reply</a></li>'
        for name, text in COMMENTS[outlet_name]
    )
    return (
        f'<section id="comments" class="comments-area"><h2 class="comments-title">{heading}</h2><ol class="comment-list">{items}</ol>'
        f'<div id="respond"><h3>Leave a Reply</h3><p class="comment-notes">{REPLY_NOTE}</p>'
        '<form><textarea name="comment"></textarea><input name="author"><button>Post Comment</button></form>'
        "</div></section>"
    )


def _related(related: list[Article], heading: str) -> str:
    items = "".join(f'<li><a href="{a.url}">{escape(a.title)}</a></li>' for a in related)
    return f'<aside class="related-posts"><h3>{heading}</h3><ul>{items}</ul></aside>'


def _byline(article: Article) -> str:
    return " and ".join(escape(name) for name in article.authors)


def _courier(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    also = ctx.related[0] if ctx.related else None
    also_html = (
        f'<div class="also-read"><h4>Also Read</h4><a href="{also.url}">{escape(also.title)}</a></div>' if also else ""
    )
    body = f"""<div id="cookie-notice" role="dialog"><p>We use cookies to give you the best experience on The Daily Courier.</p><button>Accept all cookies</button></div>
<header class="site-header"><a class="custom-logo" href="{o.home}">The Daily Courier</a>{nav(o)}</header>
{ad_slot("Advertisement", ctx.request_number, "leaderboard")}
<main id="main"><article class="post type-post status-publish">
<header class="entry-header"><span class="cat-links">{escape(a.section)}</span><h1 class="entry-title">{escape(a.title)}</h1>
<div class="entry-meta"><span class="byline">By {_byline(a)}</span> · <time class="entry-date published" datetime="{a.published.isoformat()}">{long_date(a.published)}</time> · <time class="updated" datetime="{a.modified.isoformat()}">{ago(a.modified, ctx.now)}</time></div></header>
<div class="share-buttons"><span>Share this article</span><a href="#">Facebook</a><a href="#">X</a><a href="#">WhatsApp</a></div>
<div class="entry-content">
{_paragraphs(a, ad_slot("Advertisement", ctx.request_number), 3, 5, also_html)}
</div>
<p class="source"><a href="{o.home}">Source link</a></p>
<div class="newsletter-signup"><p>To be informed of the latest articles, subscribe:</p><form><input type="email"><button>Subscribe</button></form></div>
</article>
{_comments(o.name, f"{len(COMMENTS[o.name])} thoughts on this story")}
{_related(ctx.related, "Related Articles")}
</main>
<footer class="site-footer"><p>Catch all the Local News, Breaking News Event and Latest News Updates on The Daily Courier</p>
<p>Download The Daily Courier App to get the Daily News Update &amp; Follow us on Google News.</p>{ctx.padding_foot}<p>© {ctx.now.year} The Daily Courier</p></footer>"""
    return document(o, head(o, f"{a.title} | The Daily Courier", article=a, padding=ctx.padding_head), body)


def _tribune(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    paragraphs = _paragraphs(
        a, f'<div class="mt-ad"><p>Advertisements</p><p>{escape(rotating_ad(ctx.request_number))}</p></div>', 4
    )
    body = f"""<div id="__next"><div class="consent-banner"><p>Metro Tribune uses cookies and similar technologies.</p><button>I agree</button><button>Manage preferences</button></div>
<header class="mt-header"><a href="{o.home}" class="mt-logo">Metro Tribune</a>{nav(o)}</header>
<div class="mt-page"><article class="mt-article">
<div class="mt-kicker"><a href="{o.url(o.sections[0][0])}">{escape(a.section)}</a></div>
<h1 class="mt-headline">{escape(a.title)}</h1>
<div class="mt-audio"><button>Press play to listen to this article</button></div>
<div class="mt-byline">By <span class="mt-author">{_byline(a)}</span> | <time datetime="{a.published.isoformat()}">{a.published:%d/%m/%Y %H:%M}</time> | <span class="mt-updated">{ago(a.modified, ctx.now)}</span></div>
<div class="mt-body">
{paragraphs}
</div>
<div class="mt-share"><button>Share this article</button><button>Copy link</button></div>
<button class="mt-show-more">Show More</button>
</article>
<div class="mt-newsletter"><p>Sign up for the Metro Tribune morning briefing</p><input type="email"><button>Sign up</button></div>
{_related(ctx.related, "Related Articles")}
{_comments(o.name)}
</div>
<footer class="mt-footer">{ctx.padding_foot}<p>© {ctx.now.year} Metro Tribune Media</p></footer></div>"""
    return document(o, head(o, f"{a.title} - Metro Tribune", article=a, padding=ctx.padding_head), body)


def _gazette(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    ad = f'<center class="adv"><small>Advertisement</small><br>{escape(rotating_ad(ctx.request_number))}</center>'
    posted = f"{a.published:%B} {a.published.day} {a.published:%Y, %I:%M%p}".replace("AM", "am").replace("PM", "pm")
    body = f"""<div class="ob-bar">Edit post Follow this blog Administration + Create my blog</div>
<div class="cookies">This site uses cookies. By continuing to browse you accept their use. <a href="#">OK</a></div>
<table class="layout" width="100%"><tr>
<td class="sidebar" valign="top"><h2 class="blog-title"><a href="{o.home}">Harbour Gazette</a></h2>{nav(o)}</td>
<td class="content" valign="top">
<div class="post"><h1 class="post-title">{escape(a.title)}</h1>
<div class="post-date">Posted on {posted}</div><div class="post-author">by {_byline(a)}</div>
<div class="post-content">
{_paragraphs(a, ad, 2)}
</div>
<div class="post-share">Share this article: <a href="#">Facebook</a> <a href="#">Email</a></div>
<div class="post-footer"><p class="title-again">{escape(a.title)}</p><p>To be informed of the latest articles, subscribe:</p><form><input type="email"></form>
<a href="#comments">Comment on this post</a></div></div>
{_related(ctx.related, "You might also like")}
{_comments(o.name)}
</td></tr></table>
<div class="footer">{ctx.padding_foot}Harbour Gazette — powered by a blog platform</div>"""
    return document(o, head(o, f"{a.title} – Harbour Gazette", article=a, padding=ctx.padding_head), body)


def _wire(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    body = f"""<div class="cookie-bar"><p>Example Press uses cookies to measure readership.</p><button>OK</button></div>
<header class="masthead"><a href="{o.home}">Example Press</a>{nav(o)}</header>
<main><article class="story" itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">{escape(a.title)}</h1>
<p class="dateline">By <span itemprop="author">{_byline(a)}</span> — <time itemprop="datePublished" datetime="{a.published.isoformat()}">{long_date(a.published)}</time> <span class="stamp">{ago(a.modified, ctx.now)}</span></p>
<div itemprop="articleBody" class="story-body">
{_paragraphs(a, "", 0)}
</div>
<div class="share">Share this article <a href="#">Email</a></div>
<p class="end">End of Article</p>
</article>
<aside class="rail">{ad_slot("Advertisement", ctx.request_number, "rail")}</aside>
<section class="more"><h2>More from Example Press</h2><p>Read More News On</p>{_related(ctx.related, "Next Story")}</section>
<section class="talk"><p>Be the first to comment</p>{_comments(o.name)}</section>
</main>
<footer>{ctx.padding_foot}<p>© {ctx.now.year} Example Press. All rights reserved.</p></footer>"""
    return document(o, head(o, f"{a.title} | Example Press", article=a, padding=ctx.padding_head), body)


def _notices(ctx: PageContext) -> str:
    a, o = ctx.article, ctx.outlet
    body = f"""<div class="essential-cookies"><p>This site uses essential cookies only.</p></div>
<header class="authority-header"><a href="{o.home}">River Authority Notices</a>{nav(o)}</header>
<main><article class="notice">
<h1 class="notice-title">{escape(a.title)}</h1>
<p class="notice-meta">{_byline(a)} · <time datetime="{a.published.isoformat()}">{long_date(a.published)}</time></p>
<div class="notice-body">
{_paragraphs(a, "", 0)}
</div>
<div class="notice-tools"><span>Share this article</span> <a href="#">Print this notice</a></div>
</article>
<div class="alerts-signup"><p>Sign up for flood alerts</p><input type="tel"><button>Sign up</button></div>
{_related(ctx.related, "Other reports")}
</main>
<footer class="authority-footer">{ctx.padding_foot}<p>© {ctx.now.year} River Authority</p></footer>"""
    return document(o, head(o, f"{a.title} | River Authority Notices", article=a, padding=ctx.padding_head), body)


TEMPLATES = {"daily-courier": _courier, "metro-tribune": _tribune, "harbour-gazette": _gazette, "example-press": _wire,
             notices.NAME: _notices}


def render_article(ctx: PageContext) -> str:
    """The article page of ``ctx.article`` in its outlet's template."""
    return TEMPLATES[ctx.outlet.name](ctx)
