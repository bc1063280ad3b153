"""Model documentation becomes readable docstring text: paragraphs, lists and links kept."""

from __future__ import annotations

from qsmith.codegen.plan.docs import clean_doc, doc_section, first_sentence


def test_html_paragraphs_lists_links_and_code_stay_readable() -> None:
    raw = (
        "<p>Starts a <b>conversation</b>. See "
        '<a href="https://example.com/guide">the guide</a>.</p> '
        "<ul> <li> <p>Use <code> MANUAL </code> for typed input.</p> </li> "
        "<li>Nested:<ul><li>inner one</li></ul></li> </ul>"
        "<note>Costs apply.</note>"
    )
    assert clean_doc(raw) == (
        "Starts a conversation. See the guide <https://example.com/guide>.\n"
        "\n"
        "- Use `MANUAL` for typed input.\n"
        "- Nested:\n"
        "  - inner one\n"
        "\n"
        "Note: Costs apply."
    )


def test_ordered_lists_are_numbered_and_entities_decoded() -> None:
    raw = "<ol><li>first &amp; foremost</li><li>second</li></ol>"
    assert clean_doc(raw) == "1. first & foremost\n2. second"


def test_a_link_whose_text_is_its_url_is_written_once() -> None:
    raw = '<p>See <a href="https://x.test/a">https://x.test/a</a></p>'
    assert clean_doc(raw) == "See https://x.test/a"


def test_plain_text_keeps_paragraphs_and_bullets() -> None:
    raw = "First line\nwraps here.\n\nSecond paragraph:\n- one\n* two"
    assert clean_doc(raw) == "First line wraps here.\n\nSecond paragraph:\n\n- one\n- two"


def test_long_paragraphs_wrap_without_breaking_urls() -> None:
    url = "https://docs.example.com/" + "a" * 90
    text = clean_doc(f"<p>{'word ' * 30}<a href='{url}'>here</a></p>", width=60)
    assert text is not None
    assert url in text and all(len(line) <= 60 for line in text.splitlines() if url not in line)


def test_empty_or_tag_only_documentation_is_none() -> None:
    assert clean_doc(None) is None and clean_doc("") is None and clean_doc("<p> </p>") is None


def test_sections_indent_continuations_and_list_under_the_name() -> None:
    section = doc_section(
        "Args",
        [
            ("grant_type", "<p>One of:</p><ul><li>code</li><li>token</li></ul>"),
            ("bare", None),
            ("long", "<p>" + "word " * 25 + "</p><p>Second paragraph.</p>"),
        ],
        width=60,
    )
    lines = section.splitlines()
    assert lines[:5] == [
        "Args:",
        "    grant_type: One of:",
        "        - code",
        "        - token",
        "    bare",
    ]
    assert lines[5].startswith("    long: word word")
    assert all(line.startswith("        ") for line in lines[6:] if line)
    assert "        Second paragraph." in lines


def test_first_sentence_is_what_a_raises_entry_shows() -> None:
    assert first_sentence("<p>The user declined. Retry later.</p>") == "The user declined."
    assert first_sentence("No full stop") == "No full stop"
    assert first_sentence(None) is None
