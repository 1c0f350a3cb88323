"""Reading the text of a PDF in tests with pypdf, a pinned Python package: no system program."""

from io import BytesIO

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of every page, whitespace collapsed to single spaces."""
    reader = PdfReader(BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())
