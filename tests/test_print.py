"""`haven print`: flyers, rights cards and staff posters, checked as a reader would see them.

The PDFs are made once per module from a small hub translated into Spanish, Arabic, Chinese
and Burmese, then read back: text extracted with poppler's pdftotext, pages rendered with
pdftoppm, QR codes decoded with zxing-cpp, metadata read with pypdf.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

import haven.scaffold
from haven.cli import main
from haven.content.load import load
from haven.content.validate import validate
from haven.example import example_content
from haven.i18n.translate import content_segments
from haven.model import Site, build_model
from haven.print import FontError, localized_views, render_pdfs
from haven.print.fonts import check, choose, font_dirs

BASE = "https://families.example.org/"

TRANSLATIONS: dict[str, dict[str, str]] = {
    "es": {
        "hub:name": "Nuestro distrito — Protección de las familias inmigrantes",
        "hub:home.intro": "Todo niño tiene derecho a ir a la escuela. Aquí es bienvenido.",
        "hub:home.first_steps.0": "Nuestras escuelas no preguntan por el estatus migratorio.",
        "hub:home.first_steps.1": "Conozca sus derechos y haga un plan familiar.",
        "hub:home.first_steps.2": "Llámenos para recibir ayuda gratuita en su idioma.",
    },
    "ar": {
        "hub:name": "منطقتنا التعليمية — حماية الأسر المهاجرة",
        "hub:home.intro": "لكل طفل الحق في الذهاب إلى المدرسة. أنتم مرحب بكم هنا.",
        "hub:home.first_steps.0": "مدارسنا لا تسأل عن وضع الهجرة.",
        "hub:home.first_steps.1": "تعرّفوا على حقوقكم وضعوا خطة للأسرة.",
        "hub:home.first_steps.2": "اتصلوا بنا للحصول على مساعدة مجانية بلغتكم.",
        "hub:interpretation": "قولوا اسم لغتكم. الترجمة الشفوية مجانية.",
        "ui:call": "اتصلوا",
        "ui:what_to_do_first": "ما يجب فعله أولاً",
        "document:protocol:title": "بروتوكول الموظفين",
        "document:protocol:body.0": "## كل يوم",
        "document:protocol:body.1": "1. لا تسألوا عن وضع الهجرة.\n2. احموا سجلات الطلاب.",
    },
    "zh-Hans": {
        "hub:name": "我们的学区 — 保护移民家庭",
        "hub:home.intro": "每个孩子都有上学的权利。欢迎您。",
        "hub:home.first_steps.0": "我们的学校不询问移民身份。",
        "hub:home.first_steps.1": "了解您的权利，制定家庭计划。",
        "hub:home.first_steps.2": "请致电我们，获得您的语言的免费帮助。",
        "ui:call": "请致电",
    },
    "my": {  # the last step stays untranslated: the flyer shows it in English and says so
        "hub:name": "ကျွန်ုပ်တို့ခရိုင် — ရွှေ့ပြောင်းမိသားစုများကို ကာကွယ်ခြင်း",
        "hub:home.intro": "ကလေးတိုင်း ကျောင်းတက်ခွင့်ရှိသည်။ ဤနေရာတွင် သင့်ကို ကြိုဆိုပါသည်။",
        "hub:home.first_steps.0": "ကျွန်ုပ်တို့၏ကျောင်းများသည် လူဝင်မှုအခြေအနေကို မမေးပါ။",
        "hub:home.first_steps.1": "သင့်အခွင့်အရေးများကို လေ့လာပြီး မိသားစုအစီအစဉ် ပြုလုပ်ပါ။",
        "ui:call": "ဖုန်းဆက်ပါ",
    },
}

PROTOCOL = """---
id: protocol
title: Staff protocol
kind: guide
order: 30
audiences: [staff-and-partners]
---

## Every day

1. Do not ask about immigration status.
2. Protect student records.
"""


def _po(tag: str, sources: dict[str, str]) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    header = (f'msgid ""\nmsgstr ""\n"Language: {tag}\\n"\n'
              '"Content-Type: text/plain; charset=UTF-8\\n"\n')
    entries = [header]
    for seg_id, text in TRANSLATIONS[tag].items():
        entries.append(f"#, reviewed\nmsgctxt {quote(seg_id)}\nmsgid {quote(sources[seg_id])}\n"
                       f"msgstr {quote(text)}\n")
    return "\n".join(entries)


@pytest.fixture(scope="module")
def hub_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A starter hub serving en, es, ar, zh-Hans and my, with a staff protocol."""
    root = tmp_path_factory.mktemp("print") / "hub"
    haven.scaffold.create(root)
    hub_yaml = (root / "hub.yaml").read_text(encoding="utf-8")
    hub_yaml = hub_yaml.replace("  - es\n", "  - es\n  - ar\n  - zh-Hans\n  - my\n", 1)
    (root / "hub.yaml").write_text(hub_yaml, encoding="utf-8")
    (root / "documents" / "protocol.md").write_text(PROTOCOL, encoding="utf-8")
    sources = {s.id: s.source for s in content_segments(validate(load(root)))}
    (root / "translations").mkdir(exist_ok=True)
    for tag in TRANSLATIONS:
        (root / "translations" / f"{tag}.po").write_text(_po(tag, sources), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hub(hub_dir: Path) -> Site:
    return build_model(validate(load(hub_dir)))


@pytest.fixture(scope="module")
def pdfs(hub: Site) -> dict[str, bytes]:
    return render_pdfs(hub, localized_views(hub))


def pdftotext(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
"""Arabic vowel marks: pdftotext puts them before their letter in right-to-left text."""


def squeeze(text: str) -> str:
    """Text without spaces, line breaks or bidi controls, so line wrapping does not matter."""
    text = ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text))
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def page_png(pdf: bytes, page: int = 1, dpi: int = 150) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page),
                        "-l", str(page), str(source), str(Path(tmp) / "page")], check=True)
        with Image.open(Path(tmp) / "page.png") as image:
            return image.convert("L")


def test_every_language_gets_every_piece_in_letter_and_a4(pdfs: dict[str, bytes]) -> None:
    for tag in ("en", "es", "ar", "zh-Hans", "my"):
        for piece in ("flyer", "card", "poster"):
            for paper, size in (("letter", (612, 792)), ("a4", (595, 842))):
                reader = PdfReader(io.BytesIO(pdfs[f"pdf/{tag}/{piece}-{paper}.pdf"]))
                box = reader.pages[0].mediabox
                assert (round(float(box.width)), round(float(box.height))) == size
                assert len(reader.pages) == (2 if piece == "card" else 1), (tag, piece)


@pytest.mark.parametrize("tag", ["es", "ar", "zh-Hans", "my"])
def test_flyer_text_is_the_translation(pdfs: dict[str, bytes], tag: str) -> None:
    text = squeeze(pdftotext(pdfs[f"pdf/{tag}/flyer-letter.pdf"]))
    assert "\ufffd" not in text
    for seg_id, translation in TRANSLATIONS[tag].items():
        if seg_id.startswith(("hub:", "ui:call", "ui:what_to_do_first")):
            assert squeeze(translation) in text, seg_id
    assert squeeze("(860) 555-0100") in text


def test_english_flyer_and_card(pdfs: dict[str, bytes], hub: Site) -> None:
    flyer = squeeze(pdftotext(pdfs["pdf/en/flyer-a4.pdf"]))
    home = hub.content.hub.home
    for sentence in [home.intro, *home.first_steps, "Example Legal Aid", "Find help"]:
        assert squeeze(sentence) in flyer
    card = squeeze(pdftotext(pdfs["pdf/en/card-letter.pdf"]))
    assert card.count(squeeze(home.first_steps[0])) == 8  # eight cards on a sheet
    assert card.count(squeeze("(860) 555-0100")) == 8


def test_untranslated_text_falls_back_to_english_and_says_so(hub: Site,
                                                             pdfs: dict[str, bytes]) -> None:
    text = squeeze(pdftotext(pdfs["pdf/my/flyer-letter.pdf"]))
    assert squeeze("Call us for free help in your language.") in text
    notice = localized_views(hub, ["my"])[0].ui["not_translated"]
    assert squeeze(notice.partition("{")[0]) in text
    assert squeeze(str(localized_views(hub, ["en"])[0].ui["not_translated"]).partition("{")[0]) \
        not in squeeze(pdftotext(pdfs["pdf/en/flyer-letter.pdf"]))


def test_poster_carries_the_staff_protocol(pdfs: dict[str, bytes]) -> None:
    english = squeeze(pdftotext(pdfs["pdf/en/poster-letter.pdf"]))
    for line in ("Staff protocol", "Every day", "1.", "Do not ask about immigration status.",
                 "2.", "Protect student records."):
        assert squeeze(line) in english
    arabic = squeeze(pdftotext(pdfs["pdf/ar/poster-a4.pdf"]))
    for line in ("بروتوكول الموظفين", "كل يوم", "لا تسألوا عن وضع الهجرة.", "احموا سجلات الطلاب."):
        assert squeeze(line) in arabic


@pytest.mark.parametrize(("tag", "lang", "font"), [
    ("en", "en", "NotoSans"),
    ("ar", "ar", "NotoNaskhArabic"),
    ("zh-Hans", "zh", "NotoSansCJK"),
    ("my", "my", "NotoSansMyanmar"),
])
def test_tagged_with_title_language_and_embedded_subsets(
        pdfs: dict[str, bytes], tag: str, lang: str, font: str) -> None:
    pdf = pdfs[f"pdf/{tag}/flyer-letter.pdf"]
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.root_object
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    title = reader.metadata.title if reader.metadata else None
    assert title == TRANSLATIONS.get(tag, {}).get("hub:name", title) and title
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # emb sub uni
    assert any(re.match(rf"[A-Z]{{6}}\+{font}", row[0]) for row in rows), fonts


@pytest.mark.parametrize("tag", ["ar", "zh-Hans"])
def test_qr_code_opens_the_readers_language(pdfs: dict[str, bytes], tag: str) -> None:
    image = page_png(pdfs[f"pdf/{tag}/flyer-letter.pdf"])
    found = [code.text for code in zxingcpp.read_barcodes(image)]
    assert found == [f"{BASE}{tag}/"]
    backs = page_png(pdfs[f"pdf/{tag}/card-a4.pdf"], page=2, dpi=300)
    assert {code.text for code in zxingcpp.read_barcodes(backs)} == {f"{BASE}{tag}/"}


def test_first_page_is_not_blank(pdfs: dict[str, bytes]) -> None:
    for name in ("pdf/my/flyer-letter.pdf", "pdf/ar/card-letter.pdf", "pdf/en/poster-a4.pdf"):
        image = page_png(pdfs[name], dpi=50)
        dark = sum(image.histogram()[:200])
        assert dark > image.width * image.height // 50, name


def test_arabic_is_shaped_right_to_left(pdfs: dict[str, bytes]) -> None:
    """The first step, in joined Arabic, ends (reading right to left) at the left margin side."""
    text = pdftotext(pdfs["pdf/ar/flyer-letter.pdf"])
    assert squeeze("مدارسنا لا تسأل عن وضع الهجرة.") in squeeze(text)
    image = page_png(pdfs["pdf/ar/flyer-letter.pdf"], dpi=50)
    # Right-aligned: the intro, below the title band, has ink at the right, none at the left.
    band = (image.height // 6, image.height // 5)
    right = sum(image.crop((image.width * 3 // 4, band[0], image.width, band[1])).histogram()[:100])
    left = sum(image.crop((0, band[0], image.width // 8, band[1])).histogram()[:100])
    assert right > 0 and left == 0


def _fonts_without(tmp_path: Path, *keep: str) -> list[str]:
    """A font folder holding only `keep` files out of Debian's Noto folder."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    noto = next(Path(d) for d in font_dirs() if (Path(d) / "truetype/noto").is_dir())
    for name in keep:
        shutil.copy(noto / "truetype" / "noto" / name, folder / name)
    return [str(folder)]


def test_a_missing_font_names_the_package_to_install(hub: Site, tmp_path: Path) -> None:
    fonts = _fonts_without(tmp_path, "NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
    views = localized_views(hub, ["en"])
    assert render_pdfs(hub, views, fonts=fonts)  # Latin alone is enough for English
    with pytest.raises(FontError, match="Burmese.*'Noto Sans Myanmar'.*fonts-noto-core"):
        render_pdfs(hub, localized_views(hub, ["my"]), fonts=fonts)
    with pytest.raises(FontError, match=r"Chinese.*'Noto Sans CJK SC'.*fonts-noto-cjk"):
        render_pdfs(hub, localized_views(hub, ["zh-Hans"]), fonts=fonts)


def test_a_character_no_font_has_is_refused_not_drawn_as_a_box(tmp_path: Path) -> None:
    choice = choose("en", "en")
    check("en", "English", choice, ["Plain text, Tiếng Việt"], font_dirs())
    chosen = check("en", "English", choice, ["Cherokee: Ꭰ"], font_dirs())
    assert chosen.families == (*choice.families, "Noto Sans Cherokee")  # a fallback, not a box
    with pytest.raises(FontError, match=r"U\+1F10D"):
        check("en", "English", choice, ["Circled zero with slash: \U0001f10d"], font_dirs())


def test_command_writes_the_pieces_atomically(hub_dir: Path, tmp_path: Path,
                                              cli: CliRunner) -> None:
    content = hub_dir
    out = tmp_path / "out"
    result = cli.invoke(main, ["print", str(content), "--output", str(out), "-l", "ar"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "ar").iterdir()) == [
        "card-a4.pdf", "card-letter.pdf", "flyer-a4.pdf", "flyer-letter.pdf",
        "poster-a4.pdf", "poster-letter.pdf"]
    assert not (out / "en").exists()
    result = cli.invoke(main, ["print", str(content), "--output", str(out), "-l", "xx"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "xx is not a language this hub serves" in result.output
    assert (out / "ar" / "flyer-a4.pdf").exists()  # a failed run leaves the last one alone


def test_command_reports_a_missing_font_without_a_traceback(
        hub_dir: Path, tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = _fonts_without(tmp_path, "NotoSans-Regular.ttf")
    monkeypatch.setenv("HAVEN_FONT_PATH", fonts[0])
    result = cli.invoke(main, ["print", str(hub_dir), "-o", str(tmp_path / "o"),
                               "-l", "my"])
    assert result.exit_code == 1
    assert "fonts-noto-core" in result.output and "Traceback" not in result.output


def test_hartford_prints_in_every_language(tmp_path: Path, cli: CliRunner) -> None:
    started = time.monotonic()
    result = cli.invoke(main, ["print", str(example_content()), "--output", str(tmp_path / "print")])
    assert result.exit_code == 0, result.output
    site = build_model(validate(load(example_content())))
    for lang in site.languages:
        folder = tmp_path / "print" / lang.tag
        assert len(list(folder.glob("*.pdf"))) == 6, lang.tag
    print(f"Hartford: {len(site.languages)} languages in {time.monotonic() - started:.1f} s")

