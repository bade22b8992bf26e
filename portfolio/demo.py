"""Demo portfolios: for every case the cases loader made, entries in the client's language with small files."""

import io

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from cases.models import Case
from isok.extensions import db
from portfolio import services
from portfolio.models import PortfolioEntry, Section

# (job title, employer, tasks, goal, language notes, document name) in the clients' languages.
SAMPLES = {
    "ar": (
        "طباخ",
        "مطعم الشام، حلب",
        "تحضير الوجبات، طلب المواد، تنظيف المطبخ",
        "أريد أن أعمل طباخا في فندق",
        "العربية لغتي الأم",
        "شهادة خبرة من المطعم",
    ),
    "fa": (
        "آرایشگر",
        "آرایشگاه نگار، هرات",
        "کوتاه کردن مو، رنگ مو، خدمت به مشتریان",
        "می‌خواهم آرایشگاه خودم را باز کنم",
        "فارسی زبان مادری من است",
        "گواهی دوره آرایشگری",
    ),
    "ru": (
        "Электрик",
        "ООО «Энергосервис», Самара",
        "Монтаж проводки, ремонт щитов, работа с чертежами",
        "Хочу работать электриком в Финляндии",
        "Русский — родной язык",
        "Диплом колледжа",
    ),
    "uk": (
        "Медсестра",
        "Лікарня №3, Харків",
        "Догляд за пацієнтами, ін'єкції, ведення документації",
        "Хочу працювати доглядальницею",
        "Українська — рідна мова",
        "Диплом медичного коледжу",
    ),
    "so": (
        "Darawal",
        "Shirkadda Gaadiidka Hargeysa",
        "Wadista baabuurta, dayactirka yar, qorshaynta socdaalka",
        "Waxaan rabaa inaan noqdo darawal bas",
        "Af-Soomaaligu waa afkayga hooyo",
        "Shatiga darawalnimada",
    ),
    "ti": ("ሓጻቢ", "ቤት ትምህርቲ ኣስመራ", "ምጽራይ ክፍልታት፣ ምክንኻን ኣትክልቲ", "ኣብ ሆቴል ክሰርሕ እደሊ", "ትግርኛ ቋንቋ ኣደይ እዩ", "ናይ ስራሕ ምስክር ወረቐት"),
    "en": (
        "Warehouse worker",
        "Lagos Logistics Ltd",
        "Forklift driving, stock counting, loading",
        "I want to work in logistics",
        "English is my first language",
        "Forklift licence",
    ),
}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF written by hand (ASCII text only, as the standard fonts have no other scripts)."""
    text = "".join(char for char in title if char.isascii() and char not in "()\\")[:60] or "Evidence"
    content = f"BT /F1 18 Tf 40 140 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def demo_photo(colour=(190, 120, 60)) -> bytes:
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 280, 200), outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def load_demo_portfolios(admin) -> None:
    """Give each existing case without a portfolio one, in its client's language; do nothing without cases."""
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    for index, case in enumerate(cases):
        if db.session.scalar(select(func.count(PortfolioEntry.id)).where(PortfolioEntry.case_id == case.id)):
            continue
        actor = case.counsellor or admin
        language = case.client.preferred_language if case.client.preferred_language in SAMPLES else "en"
        job, employer, tasks, goal, notes, document = SAMPLES[language]
        work = services.add_entry(
            actor,
            case,
            Section.WORK,
            job,
            {"employer": employer, "tasks": tasks, "start": "2014", "end": "2021"},
            language,
        )
        services.add_evidence(actor, work, [services.Upload("work.jpg", io.BytesIO(demo_photo()))])
        services.add_entry(
            actor,
            case,
            Section.LANGUAGES,
            notes,
            {"listening": "native", "speaking": "native", "reading": "native", "writing": "native"},
            language,
        )
        services.add_entry(
            actor,
            case,
            Section.LANGUAGES,
            "suomi",
            {"listening": "A2", "speaking": "A2", "reading": "A2", "writing": "A1"},
            "fi",
        )
        services.add_entry(actor, case, Section.GOALS, goal, {"kind": "work"}, language)
        paper = services.add_entry(
            actor,
            case,
            Section.DOCUMENTS,
            document,
            {"document_type": "work_certificate", "translation": "none", "recognition": "none"},
            language,
        )
        services.add_evidence(
            actor, paper, [services.Upload("certificate.pdf", io.BytesIO(demo_pdf(f"Certificate {job}")))]
        )
        if index % 3 == 1 and case.counsellor is not None:
            services.submit(actor, case)
            services.comment(case.counsellor, work, "Please add the years you worked there and a reference.")
