"""What the site reads of Material's blog plugin: the enabled blogs, their views (the
archive, publisher and author pages each generates), and which pages are posts.

The site has two blogs (mkdocs.yml): the briefs (posts in the posts folder) and the
digests (posts in posts/digests/, blog_dir ``digests``: the Digests tab, its archive,
its feed). Every list of briefs is the briefs blog's; ``check_blogs`` makes sure, on
every build, that each generated post belongs to exactly the blog it should.
"""

from __future__ import annotations

import posixpath

from material.plugins.blog.plugin import BlogPlugin
from mkdocs.exceptions import PluginError

from ..output.digests import DIGEST_DIR


def blogs(config) -> list:
    return [p for p in config.plugins.values() if isinstance(p, BlogPlugin) and p.config.enabled]


def posts_folder(blog) -> str:
    """The blog's posts folder, docs-relative, as Material computes it."""
    return posixpath.normpath(blog.config.post_dir.format(blog=blog.config.blog_dir))


def digests_uri(posts_uri: str) -> str:
    return f"{posts_uri.strip('/')}/{DIGEST_DIR}"


def briefs_blog(config, posts_uri: str):
    """The blog whose posts folder is the posts folder (the briefs), or None."""
    return next((b for b in blogs(config) if posts_folder(b) == posts_uri.strip("/")), None)


def digests_blog(config, posts_uri: str):
    """The blog whose posts folder is posts/digests/ (the digests), or None."""
    return next((b for b in blogs(config) if posts_folder(b) == digests_uri(posts_uri)), None)


def views(config, cls, posts_uri: str | None = None) -> list:
    """The views of type `cls` of the briefs blog (of every blog when posts_uri is None)."""
    chosen = blogs(config) if posts_uri is None else [b for b in [briefs_blog(config, posts_uri)] if b]
    out = []
    for blog in chosen:
        out.extend(v for v in blog.blog.views if isinstance(v, cls))
    return out


def is_post(page, posts_uri: str) -> bool:
    """A brief or a digest: a Markdown page in the posts folder."""
    prefix = posts_uri.strip("/") + "/"
    return page.file.src_uri.startswith(prefix) and page.file.src_uri.endswith(".md")


def check_blogs(config, posts_uri: str) -> None:
    """After the blogs have read their posts (their on_files): every brief is a post of the
    briefs blog only, every digest of the digests blog only. Material gives a post to each
    blog whose posts folder holds it, unless an earlier blog has claimed it, so the digests
    blog must come first in mkdocs.yml; a configuration (or a Material release) where that
    does not hold stops the build here rather than list digests among the briefs."""
    briefs, digests = briefs_blog(config, posts_uri), digests_blog(config, posts_uri)
    if briefs is None:
        return  # no blog for the briefs: nothing lists them
    prefix = digests_uri(posts_uri) + "/"
    mixed = [p.file.src_uri for p in briefs.blog.posts if p.file.src_uri.startswith(prefix)]
    if mixed:
        where = "is listed after" if digests is not None else "is missing from"
        raise PluginError(f"newsbrief: the briefs' blog lists {len(mixed)} digest(s) ({mixed[0]}, ...): the "
                          f"digests' blog (blog_dir: {DIGEST_DIR}, post_dir: {digests_uri(posts_uri)}) {where} "
                          "the briefs' blog under plugins: in mkdocs.yml; it must come first")
    if digests is not None:
        strays = [p.file.src_uri for p in digests.blog.posts if not p.file.src_uri.startswith(prefix)]
        if strays:
            raise PluginError(f"newsbrief: the digests' blog lists pages that are not digests ({strays[0]}, ...)")
