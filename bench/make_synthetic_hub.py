"""Write a synthetic, valid, fully translated Haven content folder, for benchmarks.

    python bench/make_synthetic_hub.py DIR --languages 20 --organizations 100 [--seed 1] [--verify]

The folder has hub.yaml with N languages (English first, as the source), topics, audiences,
10 resources, 3 reporting channels, 3 Markdown documents of about 300 words, and M
organizations in directory/ (about 150 words of description each, 1–3 services with topics,
languages, phones, costs, schedules, a location in one of six towns, every tenth of them
confidential, and a current verification).

Then every segment Haven extracts (content and interface strings, found with Haven's own
`content_segments`) is "translated" into every other language by a deterministic
transformation of the source, and written to translations/<tag>.po with Babel. The result
builds with no fallback to the source language on any page.

Everything is derived from --seed: the same arguments always give the same bytes.
`--verify` also runs `msgfmt --check` on one catalog and builds the hub, checking that no
translated page shows text in the source language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

# Real BCP 47 tags, English first (the source language). Every one is known to langcodes
# and, except the last four (which Haven names from its own table), to CLDR.
LANGUAGES = [
    "en",
    "es",
    "fr",
    "pt",
    "zh-Hans",
    "zh-Hant",
    "ar",
    "vi",
    "ht",
    "so",
    "sw",
    "ne",
    "my",
    "ru",
    "uk",
    "pl",
    "fa",
    "ur",
    "bn",
    "pa",
    "am",
    "ti",
    "tl",
    "ko",
    "ja",
    "de",
    "it",
    "tr",
    "ps",
    "prs",
    "hi",
    "gu",
    "ta",
    "te",
    "ml",
    "mr",
    "km",
    "lo",
    "th",
    "ro",
    "el",
    "hu",
    "cs",
    "sk",
    "bg",
    "sr",
    "hr",
    "bs",
    "sq",
    "mk",
    "hy",
    "ka",
    "az",
    "uz",
    "kk",
    "ky",
    "tg",
    "mn",
    "he",
    "yo",
    "ig",
    "ha",
    "om",
    "rw",
    "ln",
    "mg",
    "zu",
    "xh",
    "af",
    "nl",
    "sv",
    "da",
    "nb",
    "fi",
    "id",
    "ms",
    "ksw",
    "hmn",
    "chk",
    "mh",
]
SOURCE = "en"

_VOCABULARY_TEXT = """
family families child children school schools right rights help free legal lawyer clinic
office call visit appointment language interpreter community service services support
advice question questions answer information safe welcome teacher student students parent
parents guardian court hearing notice letter form forms document documents card plan
emergency contact phone number address city county state program programs counsel
representative accredited meeting week month day morning afternoon evening open closed
staff partner partners library center health housing food work worker workers wage
protect protection privacy private report discrimination complaint office civil public
education district principal nurse counselor bus lunch class classroom learn read write
english spanish french portuguese translation translated trusted confidential nearby
"""
VOCABULARY = _VOCABULARY_TEXT.split()

TOPICS = [
    (
        "legal-help",
        "Free legal help",
        "Lawyers and accredited representatives who help at no cost.",
    ),
    ("know-your-rights", "Know your rights", "What the law says about school, work and home."),
    ("report-discrimination", "Report discrimination", "Where to report unfair treatment."),
    ("health", "Health care", "Clinics that see every child, with or without insurance."),
    ("housing-and-food", "Housing and food", "Emergency shelter, food pantries and rent help."),
    ("family-planning", "Family safety plan", "Make a plan so your children are cared for."),
]
AUDIENCES = [
    ("families", "Families", "Parents, guardians and students."),
    ("staff-and-partners", "Staff and partners", "School staff and community partners."),
]
ACCREDITATIONS = [
    "doj-recognized-organization",
    "doj-accredited-representative",
    "law-school-clinic",
    "licensed-attorneys",
]
RESOURCE_KINDS = ["poster", "guide", "fact-sheet", "webpage", "toolkit", "policy"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
STREETS = [
    "Main St",
    "Park St",
    "Broad St",
    "Albany Ave",
    "Franklin Ave",
    "Wethersfield Ave",
    "Capitol Ave",
    "Farmington Ave",
    "Asylum Ave",
    "Washington St",
]
TOWNS = ["Hartford", "West Hartford", "East Hartford", "New Britain", "Wethersfield", "Bloomfield"]
"""Towns of the organizations' addresses, in turn (no random draw: the rest stays as it was)."""
CONFIDENTIAL_EVERY = 10
"""Every tenth organization's address is confidential (a shelter): it gives no town."""
ASSURED = dt.date(2025, 10, 1)


class Words:
    """Deterministic pseudo-random prose from a small vocabulary."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, low: int = 6, high: int = 14) -> str:
        words = [self.rng.choice(VOCABULARY) for _ in range(self.rng.randint(low, high))]
        return " ".join(words).capitalize() + "."

    def text(self, words: int) -> str:
        """About `words` words, as sentences on one line."""
        out: list[str] = []
        count = 0
        while count < words:
            sentence = self.sentence()
            out.append(sentence)
            count += len(sentence.split())
        return " ".join(out)

    def title(self, low: int = 2, high: int = 4) -> str:
        return " ".join(
            self.rng.choice(VOCABULARY) for _ in range(self.rng.randint(low, high))
        ).capitalize()


class Phones:
    """Fictional US numbers (555-0100 … 555-0199) that phonenumbers accepts as valid."""

    AREAS = ("860", "203", "959", "475")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def next(self) -> str:
        while True:
            number = f"{self.rng.choice(self.AREAS)}-555-01{self.rng.randint(0, 99):02d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "US")):
                return number


def current(rng: random.Random, words: Words | None = None) -> dict[str, Any]:
    verification: dict[str, Any] = {
        "status": "current",
        "assured_date": ASSURED - dt.timedelta(days=rng.randint(0, 60)),
        "assurer": "Benchmark editors",
    }
    if words is not None:
        verification["note"] = words.sentence()
    return verification


# -- content -----------------------------------------------------------------------------------


def hub_yaml(languages: list[str], phones: Phones, words: Words) -> dict[str, Any]:
    return {
        "name": "Synthetic District — Protecting Immigrant Families",
        "district": "Synthetic District Public Schools",
        "base_url": "https://families.example.org/",
        "country": "US",
        "source_language": SOURCE,
        "languages": languages,
        "phone": phones.next(),
        "phone_label": "Family Welcome Center",
        "interpretation": "Say the name of your language. Interpretation is free.",
        "home": {
            "intro": "Every child has the right to go to school. You are welcome here.",
            "first_steps": [words.sentence() for _ in range(4)],
        },
        "facts": [
            {
                "id": "spoken-languages",
                "text": f"Our families speak more than {len(languages)} languages.",
                "as_of": dt.date(2025, 1, 31),
                "source": "https://families.example.org/facts",
            }
        ],
        "review_every_days": 90,
    }


def resources_yaml(rng: random.Random, words: Words, languages: list[str]) -> dict[str, Any]:
    resources = []
    for n in range(10):
        resource: dict[str, Any] = {
            "id": f"resource-{n + 1:02d}",
            "title": words.title(3, 6),
            "publisher": f"Publisher {n % 4 + 1}",
            "kind": RESOURCE_KINDS[n % len(RESOURCE_KINDS)],
            "url": f"https://publisher{n % 4 + 1}.example.org/guides/{n + 1}",
            "description": words.text(40),
            "audiences": [AUDIENCES[n % 2][0]],
            "topics": [TOPICS[n % len(TOPICS)][0]],
            "languages": sorted(rng.sample(languages, min(len(languages), 4))),
            "languages_note": "Ask the publisher for other languages.",
            "verification": current(rng, words),
        }
        if n == 8:
            resource["verification"] = {
                "status": "moved",
                "assured_date": ASSURED,
                "assurer": "Benchmark editors",
                "previous_url": f"https://old.example.org/guides/{n + 1}",
                "note": words.sentence(),
            }
        if n == 9:
            resource["verification"] = {
                "status": "superseded",
                "superseded_on": dt.date(2025, 1, 20),
                "note": words.sentence(),
            }
        resources.append(resource)
    return {"resources": resources}


def reporting_yaml(rng: random.Random, words: Words, phones: Phones) -> dict[str, Any]:
    intro = "\n\n".join(words.text(45) for _ in range(3)) + "\n"
    channels = []
    for n in range(3):
        channels.append(
            {
                "id": f"channel-{n + 1}",
                "name": words.title(3, 5),
                "description": words.text(25),
                "url": f"https://report{n + 1}.example.org/",
                "emails": [f"report{n + 1}@example.org"],
                "phones": [{"number": phones.next(), "description": words.sentence(3, 6)}],
                "verification": current(rng),
            }
        )
    return {"intro": intro, "channels": channels}


def document(
    rng: random.Random, words: Words, ident: str, title: str, kind: str, order: int
) -> str:
    meta: dict[str, Any] = {
        "id": ident,
        "title": title,
        "kind": kind,
        "summary": words.sentence(),
        "order": order,
        "audiences": [AUDIENCES[order % 2][0]],
        "topics": [TOPICS[order % len(TOPICS)][0], TOPICS[(order + 1) % len(TOPICS)][0]],
        "resources": [f"resource-{(order + k) % 10 + 1:02d}" for k in range(3)],
        "verification": current(rng),
    }
    if kind == "letter":
        meta |= {
            "author": "Dana Example",
            "author_title": "Superintendent",
            "date": dt.date(2025, 9, 1),
        }
    blocks = [
        words.text(50),
        f"## {words.title()}",
        words.text(60),
        "\n".join(f"- {words.sentence(4, 9)}" for _ in range(5)),
        f"## {words.title()}",
        words.text(60),
        words.text(50),
    ]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n" + "\n\n".join(blocks) + "\n"


def organization(
    rng: random.Random, words: Words, phones: Phones, n: int, languages: list[str]
) -> dict[str, Any]:
    ident = f"org-{n:04d}"
    location = {
        "id": f"{ident}-main",
        "name": f"{words.title(1, 2)} office",
        "address": {
            "address_1": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
            "city": TOWNS[n % len(TOWNS)],
            "state_province": "CT",
            "postal_code": f"061{rng.randint(0, 99):02d}",
        },
        "confidential": n % CONFIDENTIAL_EVERY == 0,
        "description": words.sentence(),
        "phones": [{"number": phones.next()}],
        "schedules": [
            {
                "description": "Monday to Friday, 9 AM to 5 PM",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:00",
                "closes_at": "17:00",
            }
        ],
        "verification": current(rng),
    }
    services = []
    for s in range(rng.randint(1, 3)):
        topics = sorted(rng.sample([t[0] for t in TOPICS], rng.randint(1, 2)))
        free = rng.random() < 0.7
        service: dict[str, Any] = {
            "id": f"{ident}-service-{s + 1}",
            "name": words.title(2, 4),
            "description": words.text(30),
            "url": f"https://{ident}.example.org/services/{s + 1}",
            "email": f"service{s + 1}@{ident}.example.org",
            "topics": topics,
            "audiences": [AUDIENCES[rng.randint(0, 1)][0]],
            "languages": sorted(rng.sample(languages, min(len(languages), rng.randint(2, 5)))),
            "cost_options": [{"amount": 0}]
            if free
            else [{"option": "Sliding scale by income", "amount": rng.choice([25, 50, 100])}],
            "eligibility_description": words.sentence(),
            "accreditations": sorted(rng.sample(ACCREDITATIONS, rng.randint(0, 2))),
            "schedules": [{"description": f"{rng.choice(WEEKDAYS)} mornings, by appointment"}],
            "phones": [{"number": phones.next(), "description": words.sentence(2, 5)}],
            "locations": [location["id"]],
            "verification": current(rng),
        }
        if not free:
            service["fees_description"] = words.sentence()
        services.append(service)
    kind = rng.choice(["Legal Aid", "Center", "Clinic", "Alliance", "Network"])
    return {
        "id": ident,
        "name": f"{words.title(2, 3)} {kind} {n}",
        "description": words.text(150),
        "url": f"https://{ident}.example.org/",
        "email": f"info@{ident}.example.org",
        "phones": [{"number": phones.next()}, {"number": phones.next(), "type": "textphone"}],
        "locations": [location],
        "services": services,
        "verification": current(rng, words),
    }


def dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )


def write_content(root: Path, languages: list[str], organizations: int, seed: int) -> None:
    rng = random.Random(seed)
    words, phones = Words(rng), Phones(rng)
    dump(root / "hub.yaml", hub_yaml(languages, phones, words))
    dump(
        root / "topics.yaml",
        {"topics": [{"id": i, "name": n, "description": d} for i, n, d in TOPICS]},
    )
    dump(
        root / "audiences.yaml",
        {"audiences": [{"id": i, "name": n, "description": d} for i, n, d in AUDIENCES]},
    )
    dump(root / "resources.yaml", resources_yaml(rng, words, languages))
    dump(root / "reporting.yaml", reporting_yaml(rng, words, phones))
    documents = root / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    for order, (ident, title, kind) in enumerate(
        [
            ("letter", "A message to our families", "letter"),
            ("know-your-rights", "Know your rights", "guide"),
            ("staff-protocol", "What staff do", "page"),
        ]
    ):
        text = document(rng, words, ident, title, kind, (order + 1) * 10)
        (documents / f"{ident}.md").write_text(text, encoding="utf-8")
    for n in range(1, organizations + 1):
        dump(
            root / "directory" / f"org-{n:04d}.yaml", organization(rng, words, phones, n, languages)
        )


# -- translations ------------------------------------------------------------------------------

_MARKER = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*)(.*)$")


def translate_text(text: str, tag: str) -> str:
    """A deterministic stand-in translation: the source prefixed with the language tag.

    `{placeholders}` are kept untouched (they are after the prefix). For Markdown, the prefix
    goes after each line's block markers (heading #, list bullet, quote >), so every block
    keeps its structure.
    """
    prefix = f"[{tag}] "
    if "\n" not in text and not _MARKER.match(text).group(1):  # type: ignore[union-attr]
        return prefix + text
    lines = []
    for line in text.split("\n"):
        match = _MARKER.match(line)
        assert match is not None
        markers, rest = match.groups()
        lines.append(f"{markers}{prefix}{rest}" if rest.strip() else line)
    return "\n".join(lines)


def write_catalogs(root: Path, languages: list[str]) -> int:
    """translations/<tag>.po for every non-source language; returns the number of segments."""
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n.translate import content_segments

    content = validate(load(root))
    segments = content_segments(content)
    folder = root / "translations"
    folder.mkdir(parents=True, exist_ok=True)
    fixed = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for tag in languages:
        if tag == SOURCE:
            continue
        catalog = Catalog(
            locale=None,
            project="Synthetic hub",
            version="1",
            creation_date=fixed,
            revision_date=fixed,
            last_translator="Benchmark <bench@example.org>",
            language_team=f"{tag} <bench@example.org>",
            fuzzy=False,
            header_comment="# Synthetic stand-in translations for Haven's benchmarks "
            "(bench/make_synthetic_hub.py): not real translations.",
        )
        for segment in segments:
            flags = (
                ["python-brace-format"] if segment.kind == "ui" and "{" in segment.source else []
            )
            catalog.add(
                segment.source,
                translate_text(segment.source, tag),
                context=segment.id,
                locations=[(segment.origin_file, segment.origin_line)]
                if segment.origin_file
                else [],
                flags=flags,
            )
        with (folder / f"{tag}.po").open("wb") as handle:
            write_po(handle, catalog, width=100)
        _set_language_header(folder / f"{tag}.po", tag)
    return len(segments)


def _set_language_header(path: Path, tag: str) -> None:
    """Babel writes no Language header without a locale it knows; add it (msgfmt wants it)."""
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"MIME-Version: 1.0\\n"\n', f'"Language: {tag}\\n"\n"MIME-Version: 1.0\\n"\n', 1
    )
    path.write_text(text, encoding="utf-8")


def make_hub(root: Path, languages: int, organizations: int, seed: int = 1) -> int:
    """Write the whole folder (replacing `root`); returns the number of segments per catalog."""
    if not 1 <= languages <= len(LANGUAGES):
        raise SystemExit(f"--languages must be between 1 and {len(LANGUAGES)}")
    if root.exists():
        if not (root / "hub.yaml").exists() and any(root.iterdir()):
            raise SystemExit(f"{root} exists and is not a content folder: refusing to replace it")
        shutil.rmtree(root)
    root.mkdir(parents=True)
    tags = LANGUAGES[:languages]
    write_content(root, tags, organizations, seed)
    return write_catalogs(root, tags)


# -- verification ------------------------------------------------------------------------------


def verify(root: Path) -> None:
    """msgfmt accepts a catalog; the hub builds; no translated page falls back to English."""
    from haven.build import build

    catalogs = sorted((root / "translations").glob("*.po"))
    if catalogs:
        for po in (catalogs[0], catalogs[-1]):
            subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
            print(f"msgfmt --check {po.name}: ok")
    with tempfile.TemporaryDirectory() as tmp:
        report = build(root, Path(tmp) / "site")
        print(
            f"built {report.total_pages} pages, {report.files} files, "
            f"{len(report.warnings)} warning(s), in {report.seconds:.2f} s"
        )
        for warning in report.warnings:
            print(f"  warning: {warning}")
        bad = []
        for page in sorted((Path(tmp) / "site").rglob("*.html")):
            relative = page.relative_to(Path(tmp) / "site")
            if relative.parts[0] in (SOURCE, "index.html"):
                continue
            html = page.read_text(encoding="utf-8")
            if f'lang="{SOURCE}"' in html or 'class="notice"' in html:
                bad.append(str(relative))
        if bad:
            raise SystemExit(
                f"{len(bad)} translated page(s) show source-language text, "
                f"e.g. {', '.join(bad[:5])}"
            )
        print("no translated page shows source-language text or a fallback notice")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dir", type=Path, help="folder to write (replaced if it is a content folder)"
    )
    parser.add_argument(
        "--languages", type=int, default=20, help=f"1 to {len(LANGUAGES)} (default 20)"
    )
    parser.add_argument("--organizations", type=int, default=100, help="default 100")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="check one catalog with msgfmt, build, and check no page falls back",
    )
    args = parser.parse_args(argv)
    segments = make_hub(args.dir, args.languages, args.organizations, args.seed)
    print(
        f"wrote {args.dir}: {args.languages} languages, {args.organizations} organizations, "
        f"{segments} segments per catalog"
    )
    if args.verify:
        verify(args.dir)


if __name__ == "__main__":
    main()
