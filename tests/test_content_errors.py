"""Every kind of content mistake is reported with its file, its line and a hint, all at once.

Each test starts from the starter hub (`haven init`), which is valid, and breaks one thing.
Lines are asserted exactly: either written out, for files the test writes in full, or found
by the text of the line the mistake is on.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from haven.content.load import load
from haven.content.validate import is_status_field, validate
from haven.errors import ContentError, Problem


def starter_text(relative: str) -> str:
    """The text of one file of the starter hub that `haven init` copies."""
    return (resources.files("haven") / "scaffold" / "hub" / relative).read_text(encoding="utf-8")

DIRECTORY = "directory/example-legal-aid.yaml"
DOCUMENT = "documents/welcome.md"


def problems_of(root: Path) -> list[Problem]:
    """Every problem validation reports for the content in `root`."""
    with pytest.raises(ContentError) as info:
        validate(load(root))
    return info.value.problems


def only_problem(root: Path) -> str:
    """The one problem reported for `root`, as people read it: `file:line: message — hint`."""
    found = problems_of(root)
    assert len(found) == 1, "expected exactly one problem, got:\n" + "\n".join(map(str, found))
    return str(found[0])


def lines_of(root: Path, relative: str, needle: str) -> list[int]:
    """The 1-based lines of `relative` that contain `needle`."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return [number for number, text in enumerate(lines, start=1) if needle in text]


def line_of(root: Path, relative: str, needle: str) -> int:
    """The 1-based line of the one line of `relative` that contains `needle`."""
    hits = lines_of(root, relative, needle)
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {relative}"
    return hits[0]


def test_the_starter_hub_is_valid(make_hub):
    content = validate(load(make_hub()))
    assert content.hub.source_language == "en"
    assert [doc.meta.id for doc in content.documents] == ["welcome"]


# -- YAML that cannot be read ------------------------------------------------------------------


def test_bad_indentation_points_at_the_line(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("\ndistrict: Our", "\n  district: Our")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', '  district: Our')}: ")
    assert "cannot be read" in problem and "indented" in problem
    assert "line it up" in problem


def test_bad_indentation_in_a_list(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("    - Learn your rights", "   - Learn your rights")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'Learn your rights')}: ")
    assert "indented" in problem


def test_unclosed_quote_points_at_the_line_where_the_quote_opens(make_hub, edit):
    # PyYAML only notices at the end of the file; the mistake is where the quote opens.
    root = make_hub(edit("hub.yaml", ("phone_label: Family", 'phone_label: "Family')))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'phone_label:')}: ")
    assert "quoted text" in problem and "never closed" in problem
    assert "add the closing quote" in problem


def test_unclosed_single_quote(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("phone_label: Family", "phone_label: 'Family")))
    assert only_problem(root).startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'phone_label:')}: ")


def test_unclosed_bracket_list(make_hub, edit):
    root = make_hub(edit(DIRECTORY, ("languages: [en, es]", "languages: [en, es")))
    problem = only_problem(root)
    assert problem.startswith(f"{DIRECTORY}:{line_of(root, DIRECTORY, 'languages:')}: ")
    assert "never closed" in problem and "']'" in problem


def test_tab_indentation(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("\ndistrict: Our", "\n\tdistrict: Our")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'district: Our')}: ")
    assert "tab" in problem and "spaces" in problem


def test_colon_in_unquoted_text(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("phone_label: Family", "phone_label: Office: Family")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'phone_label:')}: ")
    assert "quotes" in problem


def test_yaml_error_in_front_matter_has_the_file_line(make_hub, edit):
    root = make_hub(edit(DOCUMENT, ("order: 10", "order: 10\n  oops: indented")))
    problem = only_problem(root)
    assert problem.startswith(f"{DOCUMENT}:{line_of(root, DOCUMENT, 'oops:')}: ")
    assert "cannot be read" in problem


# -- the schema --------------------------------------------------------------------------------


def test_unknown_key_suggests_the_close_match(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("\nphone: 860", "\nphon: 860")))
    problem = only_problem(root)  # and not also "'phone' is missing"
    assert problem == (
        f"hub.yaml:{line_of(root, 'hub.yaml', 'phon:')}: unknown field 'phon' — "
        "did you mean 'phone'?"
    )


def test_unknown_nested_key_suggests_the_close_match(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("  intro: Every", "  intra: Every")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'intra:')}: ")
    assert "unknown field 'intra'" in problem and "did you mean 'intro'?" in problem


def test_unknown_key_without_close_match_lists_the_fields(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("review_every_days: 90", "review_every_days: 90\nflavour: x")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'flavour:')}: ")
    assert "unknown field 'flavour'" in problem
    assert "the fields here are:" in problem
    for name in ("name", "district", "base_url", "languages", "phone", "review_every_days"):
        assert name in problem


def test_unknown_key_in_a_document(make_hub, edit):
    root = make_hub(edit(DOCUMENT, ("order: 10", "ordr: 10")))
    assert only_problem(root) == (
        f"{DOCUMENT}:{line_of(root, DOCUMENT, 'ordr:')}: unknown field 'ordr' — did you mean 'order'?"
    )


def test_missing_required_field(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("district: Our District Public Schools\n", "")))
    problem = only_problem(root)
    assert problem.startswith("hub.yaml:")
    assert "'district' is missing" in problem and "add 'district:'" in problem


@pytest.mark.parametrize("file, line", [
    ("directory/example-legal-aid.yaml", "name: Example Legal Aid\n"),
    ("directory/example-legal-aid.yaml", "    name: Free legal advice\n"),
    ("topics.yaml", None),
])
def test_a_blank_name_is_refused(make_hub, edit, file, line):
    """Pages, links and titles show names: an empty one would make an empty link."""
    text = starter_text(file)
    if line is None:  # the first topic's name
        line = next(x + "\n" for x in text.splitlines() if x.strip().startswith("name:"))
    blank = line.split("name:")[0] + 'name: "  "\n'
    root = make_hub(edit(file, (line, blank)))
    problem = only_problem(root)
    assert problem.startswith(f"{file}:{line_of(root, file, blank.strip())}: ")
    assert "this is empty" in problem and "write it, or remove the record" in problem


def test_word_where_a_whole_number_belongs(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("review_every_days: 90", "review_every_days: soon")))
    assert only_problem(root) == (
        f"hub.yaml:{line_of(root, 'hub.yaml', 'review_every_days')}: 'review_every_days' should "
        "be a whole number, not 'soon' — write digits only, like 90"
    )


def test_text_where_a_list_belongs(make_hub):
    text = starter_text("hub.yaml")
    start = text.index("  first_steps:")
    end = text.index("# How often")
    root = make_hub({"hub.yaml": text[:start] + '  first_steps: "x"\n' + text[end:]})
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'first_steps')}: ")
    assert "'first_steps' should be a list, not 'x'" in problem
    assert "its own line" in problem and "'- '" in problem


def test_number_out_of_range(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("review_every_days: 90", "review_every_days: 0")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'review_every_days')}: ")
    assert "out of range" in problem


def test_value_not_among_the_choices(make_hub, edit):
    root = make_hub(edit("resources.yaml", ("kind: webpage", "kind: webpag")))
    problem = only_problem(root)
    assert problem.startswith(f"resources.yaml:{line_of(root, 'resources.yaml', 'kind:')}: ")
    assert "'webpag' is not a valid kind" in problem and "did you mean 'webpage'?" in problem


def test_a_file_that_is_a_list_instead_of_fields(make_hub):
    root = make_hub({"topics.yaml": "- legal-help\n- know-your-rights\n"})
    problem = only_problem(root)  # and no "there is no topic" in the files that use them
    assert problem.startswith("topics.yaml:1: ")
    assert "should hold fields" in problem


# -- links, phone numbers, languages -------------------------------------------------------------

URL_LINE = "url: https://www.aclu.org/know-your-rights/immigrants-rights"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://files.example.org/rights.pdf", "not a usable link"),
        ("javascript:alert(1)", "not a usable link"),
        ("www.example.org", "not a usable link"),
        ("example.org/page", "not a usable link"),
        ("https://localhost/page", "no valid host name"),
        ("https:///page", "no valid host name"),
        ('"https://www.example.org/a page"', "contains a space"),
    ],
)
def test_unusable_links(make_hub, edit, url, words):
    root = make_hub(edit("resources.yaml", (URL_LINE, f"url: {url}")))
    problem = only_problem(root)
    assert problem.startswith(f"resources.yaml:{line_of(root, 'resources.yaml', 'url:')}: ")
    assert words in problem
    assert "https://" in problem  # the hint shows what to write


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org/page?x=1#y",
        "http://example.org",
        "https://example.org:8443/",
        "tel:+18606958400",
        "mailto:help@example.org",
    ],
)
def test_accepted_links(make_hub, edit, url):
    root = make_hub(edit("resources.yaml", (URL_LINE, f"url: {url}")))
    content = validate(load(root))
    assert content.resources[0].url == url


@pytest.mark.parametrize("number", ["555-01", "860-555-01999", "call us", "+1 12"])
def test_phone_numbers_that_do_not_parse(make_hub, edit, number):
    root = make_hub(edit("hub.yaml", ("\nphone: 860-555-0100", f"\nphone: {number}")))
    assert only_problem(root) == (
        f"hub.yaml:{line_of(root, 'hub.yaml', 'phone:')}: {number!r} is not a valid phone "
        "number for US — write it with its area code, like 860-695-8400, or with + and the "
        "country code"
    )


def test_phone_number_in_a_directory_record(make_hub, edit):
    root = make_hub(edit(DIRECTORY, ("number: 860-555-0199", "number: 860-555-01999")))
    problem = only_problem(root)
    assert problem.startswith(f"{DIRECTORY}:{line_of(root, DIRECTORY, 'number:')}: ")
    assert "not a valid phone number" in problem


@pytest.mark.parametrize("number", ["(860) 695-8400", "860.695.8400", "+1 860 695 8400", "+44 20 7946 0958"])
def test_accepted_phone_numbers(make_hub, edit, number):
    root = make_hub(edit("hub.yaml", ("\nphone: 860-555-0100", f'\nphone: "{number}"')))
    assert validate(load(root)).hub.phone == number


@pytest.mark.parametrize("tag", ["xx", "e$", "english"])
def test_unknown_language_tag_in_hub_languages(make_hub, edit, tag):
    root = make_hub(edit("hub.yaml", ("  - es", f"  - {tag}")))
    assert only_problem(root) == (
        f"hub.yaml:{line_of(root, 'hub.yaml', f'  - {tag}')}: {tag!r} is not a known BCP 47 "
        "language tag — use a tag like 'es', 'zh-Hant' or 'prs'"
    )


@pytest.mark.parametrize("tag", ["xx", "e$"])
def test_unknown_language_tag_in_a_service(make_hub, edit, tag):
    root = make_hub(edit(DIRECTORY, ("languages: [en, es]", f"languages: [en, {tag}]")))
    problem = only_problem(root)
    assert problem.startswith(f"{DIRECTORY}:{line_of(root, DIRECTORY, 'languages:')}: ")
    assert f"{tag!r} is not a known BCP 47 language tag" in problem


def test_norway_problem_no_stays_a_language_tag(make_hub, edit):
    # YAML 1.1 reads `no` as false; Haven reads YAML 1.2 booleans only.
    root = make_hub(edit("hub.yaml", ("  - es", "  - es\n  - no"),
                         ("phone_label: Family Welcome Center", "phone_label: yes")))
    content = validate(load(root))
    assert [entry.tag for entry in content.hub.languages] == ["en", "es", "no"]
    assert content.hub.phone_label == "yes"


def test_source_language_must_be_served(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("source_language: en", "source_language: es"),
                         ("  - en\n", "")))
    assert validate(load(root)).hub.source_language == "es"
    root = make_hub(edit("hub.yaml", ("source_language: en", "source_language: fr")))
    problem = only_problem(root)
    assert problem.startswith(f"hub.yaml:{line_of(root, 'hub.yaml', 'source_language')}: ")
    assert "'fr' is not among the languages served" in problem


def test_language_listed_twice(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("  - es", "  - es\n  - es")))
    problem = only_problem(root)
    _, second = lines_of(root, "hub.yaml", "  - es")
    assert problem.startswith(f"hub.yaml:{second}: ")
    assert "the language 'es' is listed twice" in problem


# -- ids: duplicates and references ------------------------------------------------------------

SECOND_ORG = """\
id: second-org
name: Second Organization
services:
  - id: other-service
    name: Other help
  - id: example-legal-advice
    name: Same id as in the other file
verification:
  status: unverified
"""


def test_duplicate_service_id_names_the_other_file_and_line(make_hub):
    root = make_hub({"directory/second-org.yaml": SECOND_ORG})
    first = line_of(root, DIRECTORY, "- id: example-legal-advice")
    assert only_problem(root) == (
        "directory/second-org.yaml:6: the service id 'example-legal-advice' is already used "
        f"in {DIRECTORY}:{first} — give each one its own id"
    )


def test_duplicate_organization_id(make_hub):
    root = make_hub({"directory/copy.yaml": starter_text(DIRECTORY)})
    found = [str(p) for p in problems_of(root)]
    org_line = line_of(root, DIRECTORY, "id: example-legal-aid")
    # Files are read in order of their names, so the copy is the first one seen.
    assert found[0] == (
        f"{DIRECTORY}:{org_line}: the organization id 'example-legal-aid' is already "
        f"used in directory/copy.yaml:{org_line} — give each one its own id"
    )
    assert found[1].startswith(f"{DIRECTORY}:")
    assert "the service id 'example-legal-advice' is already used" in found[1]


def test_duplicate_topic_id(make_hub, edit):
    root = make_hub(edit("topics.yaml", ("  - id: know-your-rights",
                                          "  - id: legal-help\n    name: Again\n  - id: know-your-rights")))
    _, second = lines_of(root, "topics.yaml", "id: legal-help")
    assert only_problem(root) == (
        f"topics.yaml:{second}: the topic 'legal-help' is listed twice — remove one, or give "
        "it another id"
    )


def test_duplicate_document_id(make_hub):
    root = make_hub({"documents/again.md": starter_text(DOCUMENT)})
    problem = only_problem(root)
    assert problem.startswith("documents/welcome.md:3: the document id 'welcome' is already used "
                              "in documents/again.md:3")


def test_reference_to_a_topic_that_does_not_exist(make_hub, edit):
    root = make_hub(edit(DIRECTORY, ("topics: [legal-help]", "topics: [legal-hlp]")))
    assert only_problem(root) == (
        f"{DIRECTORY}:{line_of(root, DIRECTORY, 'topics:')}: there is no topic 'legal-hlp' — "
        "did you mean 'legal-help'?"
    )


def test_reference_with_no_close_match_says_where_to_add_it(make_hub, edit):
    root = make_hub(edit(DIRECTORY, ("audiences: [families]", "audiences: [judges]")))
    assert only_problem(root) == (
        f"{DIRECTORY}:{line_of(root, DIRECTORY, 'audiences:')}: there is no audience 'judges' — "
        "add it to audiences.yaml or remove it here"
    )


def test_document_references_to_resources(make_hub, edit):
    listed = "resources:\n  - aclu-know-your-right\n  - aclu-know-your-rights\n  - nothing-like-it"
    root = make_hub(edit(DOCUMENT, ("audiences: [families]", f"audiences: [families]\n{listed}")))
    typo = lines_of(root, DOCUMENT, "- aclu-know-your-right")[0]
    unknown = line_of(root, DOCUMENT, "- nothing-like-it")
    assert [str(p) for p in problems_of(root)] == [
        (f"{DOCUMENT}:{typo}: there is no resource 'aclu-know-your-right' — "
         "did you mean 'aclu-know-your-rights'?"),
        (f"{DOCUMENT}:{unknown}: there is no resource 'nothing-like-it' — "
         "add it to resources.yaml or remove it here"),
    ]


def test_service_reference_to_a_location(make_hub, edit):
    root = make_hub(edit(DIRECTORY, ("    cost_options:", "    locations: [main-ofice]\n    cost_options:"),
                         ("services:", "locations:\n  - id: main-office\n    name: Main office\nservices:")))
    assert only_problem(root) == (
        f"{DIRECTORY}:{line_of(root, DIRECTORY, '[main-ofice]')}: there is no location "
        "'main-ofice' — did you mean 'main-office'?"
    )


def test_service_reference_to_a_location_of_another_organization(make_hub, edit):
    other = SECOND_ORG.replace("  - id: example-legal-advice\n    name: Same id as in the other file\n", "")
    other = other.replace("services:", "locations:\n  - id: their-office\nservices:")
    root = make_hub({**edit(DIRECTORY, ("    cost_options:", "    locations: [their-office]\n    cost_options:")),
                     "directory/second-org.yaml": other})
    problem = only_problem(root)
    assert problem.startswith(f"{DIRECTORY}:{line_of(root, DIRECTORY, '[their-office]')}: ")
    assert "there is no location 'their-office'" in problem
    assert "this organization's locations" in problem


# -- bytes that are not text -------------------------------------------------------------------


def test_file_that_is_not_utf8_is_reported_with_its_line(make_hub):
    root = make_hub({"topics.yaml": b"topics:\n  - id: legal-help\n    name: Caf\xe9 help\n"})
    # One problem: the topics it defines are not also reported missing everywhere else.
    assert only_problem(root) == (
        'topics.yaml:3: the file is not UTF-8 text — save it as UTF-8 in your editor '
        '("Save with encoding" → UTF-8)'
    )


def test_utf16_file_is_not_utf8(make_hub):
    root = make_hub({"topics.yaml": b"\xff\xfet\x00o\x00p\x00"})
    assert only_problem(root).startswith("topics.yaml:1: the file is not UTF-8 text")


def test_utf8_with_byte_order_mark_is_accepted(make_hub):
    root = make_hub({"topics.yaml": "\ufeff" + starter_text("topics.yaml")})
    assert validate(load(root)).topics[0].id == "legal-help"


def test_non_utf8_document(make_hub):
    text = starter_text(DOCUMENT).encode() + b"\nMerci \xe0 tous.\n"
    root = make_hub({DOCUMENT: text})
    line = text.count(b"\n")
    assert only_problem(root).startswith(f"{DOCUMENT}:{line}: the file is not UTF-8 text")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_character_is_reported_with_its_line(make_hub, char):
    root = make_hub({"audiences.yaml": f"audiences:\n  - id: families\n    name: Fam{char}ilies\n"})
    assert only_problem(root) == (
        "audiences.yaml:3: the line contains an invisible control character — retype the line, "
        "or copy it again from a plain-text source"
    )


def test_duplicate_key_in_one_mapping(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("phone_label: Family Welcome Center",
                                      "phone_label: Family Welcome Center\nphone_label: Front desk")))
    assert only_problem(root) == (
        f"hub.yaml:{line_of(root, 'hub.yaml', 'Front desk')}: 'phone_label' appears twice here — "
        "keep one of them: the second would silently replace the first"
    )


def test_duplicate_key_in_front_matter(make_hub, edit):
    root = make_hub(edit(DOCUMENT, ("order: 10", "order: 10\norder: 20")))
    assert only_problem(root).startswith(
        f"{DOCUMENT}:{line_of(root, DOCUMENT, 'order: 20')}: 'order' appears twice here"
    )


# -- immigration and citizenship status: refused by name, anywhere ------------------------------

STATUS_NAMES = ["immigration_status", "citizenship", "citizenshipStatus", "legal-status",
                "undocumented", "a_number", "visa_status", "ImmigrationStatus", "alien_number"]


def assert_refused(problem: str, where: str, key: str) -> None:
    assert problem == (
        f"{where}: '{key}' would record immigration or citizenship status, and Haven refuses any "
        "such field — remove it: schools must not ask for or publish a family's status "
        "(Plyler v. Doe), and a hub that stores it can put children at risk"
    )


@pytest.mark.parametrize("key", STATUS_NAMES)
def test_status_field_refused_in_hub_yaml(make_hub, edit, key):
    root = make_hub(edit("hub.yaml", ("review_every_days: 90", f"review_every_days: 90\n{key}: yes")))
    assert_refused(only_problem(root), f"hub.yaml:{line_of(root, 'hub.yaml', key + ':')}", key)


@pytest.mark.parametrize("key", STATUS_NAMES)
def test_status_field_refused_in_a_directory_service(make_hub, edit, key):
    root = make_hub(edit(DIRECTORY, ("    languages: [en, es]", f"    languages: [en, es]\n    {key}: any")))
    assert_refused(only_problem(root), f"{DIRECTORY}:{line_of(root, DIRECTORY, key + ':')}", key)


@pytest.mark.parametrize("key", STATUS_NAMES)
def test_status_field_refused_in_document_front_matter(make_hub, edit, key):
    root = make_hub(edit(DOCUMENT, ("order: 10", f"order: 10\n{key}: required")))
    assert_refused(only_problem(root), f"{DOCUMENT}:{line_of(root, DOCUMENT, key + ':')}", key)


@pytest.mark.parametrize("key", ["immigration_status", "citizenshipStatus", "a_number"])
def test_status_field_refused_when_nested_deep(make_hub, edit, key):
    # Inside a phone of a location of an organization: three levels down, in a list.
    root = make_hub(edit(DIRECTORY, (
        "services:",
        ("locations:\n  - id: office\n    phones:\n      - number: 860-555-0199\n"
         f"        {key}: unknown\nservices:"),
    )))
    assert_refused(only_problem(root), f"{DIRECTORY}:{line_of(root, DIRECTORY, key + ':')}", key)


def test_status_field_refused_even_under_an_unknown_field(make_hub, edit):
    root = make_hub(edit("hub.yaml", ("  intro: Every", "  extra:\n    - family:\n        visa_status: x\n  intro: Every")))
    found = [str(p) for p in problems_of(root)]
    assert len(found) == 2
    assert "unknown field 'extra'" in found[0]
    assert_refused(found[1], f"hub.yaml:{line_of(root, 'hub.yaml', 'visa_status')}", "visa_status")


@pytest.mark.parametrize("key", ["status", "legal_help", "phone_number", "document_type",
                                 "languages", "residence_address", "name"])
def test_ordinary_field_names_are_not_status_fields(key):
    assert not is_status_field(key)


# -- verification -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ("status: unverified\n      assured_date: 2025-01-01",
         "an unverified item cannot have an assured_date — remove assured_date"),
        ("status: current", "a current item needs an assured_date — add the date"),
        ("status: superseded", "a superseded item needs superseded_on — add the date it stopped"),
        ("status: moved", "a moved item needs previous_url — add the old address"),
    ],
)
def test_verification_rules(make_hub, edit, lines, words):
    root = make_hub(edit("resources.yaml", ("status: unverified", lines)))
    problem = only_problem(root)
    assert problem.startswith(
        f"resources.yaml:{line_of(root, 'resources.yaml', 'verification:')}: {words}"
    )


@pytest.mark.parametrize(
    "lines",
    [
        "status: current\n      assured_date: 2025-01-20\n      assurer: Family office",
        "status: superseded\n      superseded_on: 2025-01-20",
        "status: moved\n      previous_url: https://www.aclu.org/old",
        "status: needs-review",
    ],
)
def test_consistent_verification_is_accepted(make_hub, edit, lines):
    root = make_hub(edit("resources.yaml", ("status: unverified", lines)))
    validate(load(root))


def test_verification_date_that_is_not_a_date(make_hub, edit):
    root = make_hub(edit("resources.yaml", ("status: unverified", "status: current\n      assured_date: last week")))
    problem = only_problem(root)
    assert problem.startswith(f"resources.yaml:{line_of(root, 'resources.yaml', 'assured_date: last')}: ")
    assert "'assured_date' should be a date" in problem and "YYYY-MM-DD" in problem


# -- documents --------------------------------------------------------------------------------


def test_document_without_front_matter(make_hub):
    root = make_hub({DOCUMENT: "Dear families,\n\nYou are welcome here.\n"})
    assert only_problem(root) == (
        f"{DOCUMENT}:1: the document has no front matter — start the file with a line '---', "
        "the fields (id, title …), and another '---'"
    )


def test_document_whose_front_matter_is_never_closed(make_hub):
    root = make_hub({DOCUMENT: "---\nid: welcome\ntitle: Welcome\n\nDear families,\n"})
    problem = only_problem(root)
    assert problem.startswith(f"{DOCUMENT}:1: the front matter that starts here is never closed")
    assert "add a line '---'" in problem


def test_document_id_reserved_for_the_sites_own_pages(make_hub, edit):
    root = make_hub(edit(DOCUMENT, ("id: welcome", "id: help")))
    assert only_problem(root) == (
        f"{DOCUMENT}:{line_of(root, DOCUMENT, 'id: help')}: the id 'help' is taken by one of the "
        "hub's own pages — choose another id (not assets, help, index, report, resources)"
    )


def test_missing_hub_yaml(make_hub):
    root = make_hub({"hub.yaml": None})
    assert only_problem(root) == (
        "hub.yaml: the hub settings file is missing — create hub.yaml (run 'haven init' for an example)"
    )


def test_content_folder_that_does_not_exist(tmp_path):
    problem = only_problem(tmp_path / "nowhere")
    assert "this content folder does not exist" in problem and "haven init" in problem


# -- everything at once -----------------------------------------------------------------------


def test_several_errors_in_several_files_are_all_reported_at_once(make_hub, edit):
    root = make_hub({
        **edit("hub.yaml", ("\nphone: 860-555-0100", "\nphon: 860-555-0100"),
               ("review_every_days: 90", "review_every_days: soon")),
        **edit(DIRECTORY, ("topics: [legal-help]", "topics: [legal-hlp]")),
        # A schema error in topics.yaml: its ids are still known, for the check above.
        **edit("topics.yaml", ("    name: Free legal help", "    name: Free legal help\n    immigration_status: x")),
        **edit("resources.yaml", (URL_LINE, "url: ftp://example.org/x")),
        **edit(DOCUMENT, ("id: welcome", "id: help")),
        "audiences.yaml": b"audiences:\n  - id: families\n    name: \xff\n",
        "directory/second-org.yaml": SECOND_ORG,
    })
    with pytest.raises(ContentError) as info:
        validate(load(root))
    error = info.value
    found = [str(p) for p in error.problems]
    expected_starts = sorted([
        ("audiences.yaml", 3, "the file is not UTF-8 text"),
        (DIRECTORY, line_of(root, DIRECTORY, "topics:"), "there is no topic 'legal-hlp'"),
        ("topics.yaml", line_of(root, "topics.yaml", "immigration_status"), "'immigration_status' would record"),
        ("directory/second-org.yaml", 6, "the service id 'example-legal-advice' is already used"),
        (DOCUMENT, line_of(root, DOCUMENT, "id: help"), "the id 'help' is taken"),
        ("hub.yaml", line_of(root, "hub.yaml", "phon:"), "unknown field 'phon'"),
        ("hub.yaml", line_of(root, "hub.yaml", "review_every_days"), "'review_every_days' should be"),
        ("resources.yaml", line_of(root, "resources.yaml", "url:"), "'ftp://example.org/x' is not a usable link"),
    ])
    assert len(found) == len(expected_starts), "\n".join(found)
    for text, (file, line, words) in zip(found, expected_starts, strict=True):
        assert text.startswith(f"{file}:{line}: {words}"), text
    # Sorted by file, then line; and the exception's message lists them all, in that order.
    assert error.problems == sorted(error.problems)
    message = error.format_message()
    assert message.startswith(f"the content has {len(found)} problems; nothing was published.")
    assert message.splitlines()[1:] == found


def test_an_error_in_hub_yaml_does_not_hide_errors_elsewhere(make_hub, edit):
    root = make_hub({
        **edit("hub.yaml", ("base_url: https://families.example.org/", "base_url: families")),
        **edit(DIRECTORY, ("topics: [legal-help]", "topics: [legal-hlp]")),
    })
    found = [str(p) for p in problems_of(root)]
    assert len(found) == 2
    assert found[0].startswith(f"{DIRECTORY}:") and "legal-hlp" in found[0]
    assert found[1].startswith("hub.yaml:") and "'families' is not a usable link" in found[1]


# -- the command line on broken content ---------------------------------------------------------


def test_haven_build_of_broken_content_reports_every_line_and_writes_nothing(make_hub, edit, cli, tmp_path):
    from haven.cli import main

    root = make_hub({
        **edit("hub.yaml", ("\nphone: 860-555-0100", "\nphon: 860-555-0100")),
        **edit(DIRECTORY, ("topics: [legal-help]", "topics: [legal-hlp]")),
    })
    out = tmp_path / "site"
    result = cli.invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the content has 2 problems; nothing was published." in result.output
    assert (f"{DIRECTORY}:{line_of(root, DIRECTORY, 'topics:')}: there is no topic 'legal-hlp' — "
            "did you mean 'legal-help'?") in result.output
    assert (f"hub.yaml:{line_of(root, 'hub.yaml', 'phon:')}: unknown field 'phon' — "
            "did you mean 'phone'?") in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".haven-new")]


def test_haven_build_of_broken_content_leaves_the_previous_site_untouched(make_hub, edit, cli, tmp_path):
    from haven.cli import main

    root = make_hub()
    out = tmp_path / "site"
    first = cli.invoke(main, ["build", str(root), "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("en/index.html") in before

    (root / "hub.yaml").write_text(starter_text("hub.yaml").replace("review_every_days: 90", "review_every_days: soon"))
    second = cli.invoke(main, ["build", str(root), "-o", str(out)])
    assert second.exit_code == 1
    assert "Traceback" not in second.output
    assert f"hub.yaml:{line_of(root, 'hub.yaml', 'review_every_days')}: " in second.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
