"""Material's translated labels looked up once per label (issue #15 item 4, cold builds).

Every Material template imports ``partials/language.html`` *with context*, so Jinja runs
it again for every template of every page, and each ``lang.t(key)`` (~25 a page: the
labels of the search box, the clipboard, the header, the table of contents, ...) calls
two macros, the inner one building the language's whole dictionary of ~60 labels to take
one: ~2.5 % of a cold build's CPU (py-spy, 1k with Pagefind). What ``lang.t(key)`` gives
depends only on the key and on ``config.theme.language`` (the language file the
partial imports), and the templates print it as it is, so the text is kept per
(language, key) the first time Material's own macro gives it.

For the build, the loader serves ``partials/language.html`` as one statement that
exports ``t`` as that memo; Material's partial (as this build's loader has it: Material's,
or one in overrides/) is loaded beside it to give each first answer. Seam
``language-labels`` (seams.py): the partial must be the checked one, byte for byte (so
the project does not override it with one that reads more of the context).
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, FunctionLoader, pass_context

NAME = "partials/language.html"
_GLOBAL = "newsbrief_language_t"
# What the build's loader serves under NAME: the memo as the partial's one export.
SOURCE = "{%- set t = " + _GLOBAL + " -%}"


class Labels:
    """``lang.t(key)`` answered from what Material's partial gave for (language, key)."""

    def __init__(self, env, original):
        self._env, self._original = env, original  # (Material's partial, as the build's loader had it)
        self._modules: dict = {}
        self._texts: dict = {}

    @pass_context
    def t(self, context, *args, **kwargs):
        config = context.get("config")
        language = self._language(config)
        key = args[0] if len(args) == 1 and not kwargs else None
        if type(key) is not str or type(language) is not str:  # (anything else: Material's own, each time)
            return self._module(config, language).t(*args, **kwargs)
        text = self._texts.get((language, key))
        if text is None:
            text = self._texts[(language, key)] = self._module(config, language).t(key)
        return text

    def _language(self, config):
        """``config.theme.language`` as the partial reads it, or None."""
        return _item(_item(config, "theme"), "language")

    def _module(self, config, language):
        module = self._modules.get(language) if type(language) is str else None
        if module is None:
            module = self._original.make_module({"config": config})
            if type(language) is str:
                self._modules[language] = module
        return module


_MISSING = object()


def _item(obj, name: str):
    """Jinja's ``Environment.getattr`` (an attribute, else an item: MkDocs' theme is a
    mapping), None where Jinja gives Undefined; without raising for a missing attribute."""
    value = getattr(obj, name, _MISSING)
    if value is not _MISSING:
        return value
    try:
        return obj[name]
    except (TypeError, LookupError, AttributeError):
        return None


def install(env) -> Labels:
    """Serve NAME as the memo's export from now on (call with the build's final loader)."""
    original = env.loader.load(env, NAME, env.globals)
    labels = Labels(env, original)
    env.globals[_GLOBAL] = labels.t
    env.loader = ChoiceLoader([FunctionLoader(lambda name: (SOURCE, None, lambda: True) if name == NAME else None),
                               env.loader])
    return labels
