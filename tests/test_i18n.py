"""Both languages everywhere (issue 7): every message key in English and Chinese, no key defined
twice, the same {placeholders} in both, and no page or UI piece that hands Streamlit a bare
string literal instead of t(...)."""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
ALLOW = "# i18n-ok"

# Streamlit calls whose label / body is shown to the user.
LABELLED = {"title", "header", "subheader", "button", "markdown", "write", "caption", "info", "error", "warning",
            "success", "metric", "tabs", "selectbox", "radio", "checkbox", "text_input", "number_input",
            "date_input", "file_uploader", "download_button", "expander", "form_submit_button", "multiselect",
            "text_area", "toggle", "slider", "select_slider", "segmented_control", "pills", "link_button",
            "page_link", "popover", "toast", "time_input", "color_picker"}
# Names also common outside Streamlit (logger.error, file.write): checked only on st and its containers.
AMBIGUOUS = {"write", "error", "warning", "info", "markdown", "title", "header", "toast"}
LABEL_KEYWORDS = ("label", "body", "tabs")


def catalogue_modules():
    return [importlib.import_module(f"dashboard.i18n.catalog.{m.name}") for m in pkgutil.iter_modules(catalog.__path__)]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("module", catalogue_modules(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_key_has_english_and_chinese_with_the_same_placeholders(module):
    problems = []
    for key, texts in module.MESSAGES.items():
        missing = [lang for lang in i18n.LANGS if not str(texts.get(lang, "")).strip()]
        if missing:
            problems.append(f"{key}: missing {missing}")
        elif placeholders(texts["en"]) != placeholders(texts["zh"]):
            problems.append(f"{key}: placeholders differ: en {placeholders(texts['en'])}, zh {placeholders(texts['zh'])}")
    assert not problems, "\n".join(problems)


def test_no_key_is_defined_in_two_catalogue_files():
    seen: dict[str, str] = {}
    duplicates = []
    for module in catalogue_modules():
        for key in module.MESSAGES:
            if key in seen:
                duplicates.append(f"{key}: {seen[key]} and {module.__name__}")
            seen[key] = module.__name__
    assert not duplicates, "\n".join(duplicates)
    assert set(seen) == set(i18n.MESSAGES)  # the merged catalogue holds exactly these


def test_chinese_messages_are_chinese():
    """A zh text that is a copy of an English phrase is a missing translation (single words such as
    product names, "Excel" or "OEE", may be the same in both)."""
    copied = [key for key, texts in i18n.MESSAGES.items()
              if texts["zh"] == texts["en"] and re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", texts["en"])
              and not re.search(r"[\u4e00-\u9fff]", texts["zh"])]
    assert not copied, copied


def test_t_formats_and_falls_back_to_the_key():
    assert i18n.t("auth.error.duplicate", "zh", name="王") == "用户“王”已存在。"
    with i18n.language("zh"):
        assert i18n.t("auth.login.title") == "登录"
    assert i18n.t("no.such.key") == "no.such.key"


# ------------------------------------------------------------------ bare literals in the UI
def _is_bare_text(node: ast.AST) -> bool:
    """A string literal a user would read (containing a letter); f-strings and expressions pass."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, (ast.List, ast.Tuple)):  # st.tabs(["A", "B"])
        return any(_is_bare_text(el) for el in node.elts)
    return False


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _streamlit_containers(tree: ast.AST) -> set[str]:
    """Names bound to Streamlit containers: c1, c2 = st.columns(2); with st.form(...) as f; ..."""
    names = {"st"}
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign) and _root_name(node.value) == "st":
            targets = node.targets
        elif isinstance(node, ast.withitem) and node.optional_vars is not None and _root_name(node.context_expr) == "st":
            targets = [node.optional_vars]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    names.add(name.id)
    return names


def bare_literals(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    containers = _streamlit_containers(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LABELLED):
            continue
        receiver = _root_name(node.func.value)
        if node.func.attr in AMBIGUOUS and receiver not in containers:
            continue
        if receiver is None:
            continue
        args = node.args if node.func.attr == "write" else node.args[:1]
        args = list(args) + [kw.value for kw in node.keywords if kw.arg in LABEL_KEYWORDS]
        if any(_is_bare_text(a) for a in args):
            span = lines[node.lineno - 1:(node.end_lineno or node.lineno)]
            if not any(ALLOW in line for line in span):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


UI_FILES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard" / "ui").glob("*.py")])


def test_the_checker_finds_bare_literals_and_respects_the_allow_comment(tmp_path, monkeypatch):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import streamlit as st\n"
        "from dashboard.i18n import t\n"
        "st.title('Hello')\n"                                   # flagged
        "st.sidebar.button(label='Go')\n"                       # flagged
        "a, b = st.columns(2)\n"
        "a.metric('OEE', 0.5)\n"                                 # flagged
        "b.write('x', 'more text')\n"                            # flagged
        "st.tabs([t('k'), 'Raw'])\n"                             # flagged
        "st.caption(t('home.title'))\n"
        "st.markdown(f'**{t(\"home.title\")}**')\n"
        "st.markdown('---')\n"
        "st.info('PlantKPI')  # i18n-ok\n"
        "logger.error('not streamlit')\n"
        "open('f').write('not streamlit')\n",
        encoding="utf-8")
    import tests.test_i18n as me

    monkeypatch.setattr(me, "ROOT", tmp_path)
    assert [line.split(":")[1] for line in bare_literals(sample)] == ["3", "4", "6", "7", "8"]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_files_pass_every_label_through_t(path):
    found = bare_literals(path)
    assert not found, "user-visible text must go through t() (or carry '# i18n-ok'):\n" + "\n".join(found)
