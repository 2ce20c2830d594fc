"""User text (names, comments, file names) shown literally inside Markdown-rendered elements.

st.markdown, st.caption, st.info, st.success ... render Markdown: a user named `**boss**` would
appear bold, `[x](http://…)` as a link. plain() backslash-escapes every ASCII punctuation mark
(CommonMark allows escaping any of them), so the text reads exactly as typed. Raw HTML is never
rendered by Streamlit without unsafe_allow_html; the escape also keeps `<` and `>` visible.
Tables (st.dataframe) and st.text need no escaping.
"""
from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")
