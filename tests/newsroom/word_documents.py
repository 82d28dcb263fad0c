"""Word documents (.docx) made in the tests with python-docx, as a press officer writes them."""

import io
import re
import zipfile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image as PillowImage

TITLE = "Løs får ny direktør"
LEAD = "Bestyrelsen har ansat Mads Røke Clausen som direktør fra 1. marts."
IMAGE_DESCRIPTION = "Mads Røke Clausen foran kontoret"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def png_bytes(size=(320, 200), color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def add_link(paragraph, text: str, url: str) -> None:
    """python-docx has no hyperlink call: the run inside a w:hyperlink, as Word writes it."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = text
    run.append(run_text)
    link.append(run)
    paragraph._p.append(link)


def mark_header_row(row) -> None:
    """Word's "Repeat as header row at the top of each page": the table's header row."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def press_release_docx(*, image: bytes | None = None) -> bytes:
    """A release with everything the import carries over: headings, bold and italic, both
    kinds of list, a table with a header row, a link, a picture with a description, empty
    paragraphs and strikethrough (which the public pages do not show)."""
    document = Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph("")
    document.add_paragraph(LEAD)
    document.add_heading("Baggrund", level=2)
    paragraph = document.add_paragraph("Han kommer fra ")
    paragraph.add_run("Aarhus Kommune").bold = True
    paragraph.add_run(" og har ")
    paragraph.add_run("tyve års").italic = True
    paragraph.add_run(" erfaring.")
    document.add_paragraph("   ")
    document.add_heading("Hans første opgaver", level=3)
    document.add_paragraph("Ny strategi", style="List Bullet")
    document.add_paragraph("Flere frivillige", style="List Bullet")
    document.add_paragraph("Møde med bestyrelsen", style="List Number")
    document.add_paragraph("Tur rundt i landet", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (year, members) in zip(
        table.rows, [("År", "Medlemmer"), ("2025", "1.200"), ("2026", "1.450")], strict=True
    ):
        row.cells[0].text = year
        row.cells[1].text = members
    mark_header_row(table.rows[0])
    paragraph = document.add_paragraph("Læs mere på ")
    add_link(paragraph, "foreningens side", "https://example.org/om-los")
    document.add_picture(io.BytesIO(image or png_bytes()))
    document.inline_shapes[0]._inline.docPr.set("descr", IMAGE_DESCRIPTION)
    paragraph = document.add_paragraph("Den gamle plan er ")
    paragraph.add_run("droppet").font.strike = True
    return saved(document)


def rewritten(data: bytes, change) -> bytes:
    """The package with its parts ({name: bytes}) changed by `change`, for what python-docx
    cannot write (footnotes, links within the document, linked pictures)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    change(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def with_footnote_internal_link_and_linked_picture(data: bytes) -> bytes:
    """Paragraphs "FOOTNOTE" and "INTERNAL" become a sentence with a footnote and a link to a
    place in the document; every picture becomes one linked from the web, not embedded."""

    def change(parts):
        document = parts["word/document.xml"].decode()
        document = document.replace(
            "<w:t>FOOTNOTE</w:t></w:r>",
            '<w:t>Medlemstallet steg</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>',
        )
        document = document.replace(
            "<w:r><w:t>INTERNAL</w:t></w:r>",
            '<w:hyperlink w:anchor="_Toc1"><w:r><w:t>Se afsnittet om tal</w:t></w:r></w:hyperlink>',
        )
        parts["word/document.xml"] = re.sub(r'r:embed="', 'r:link="', document).encode()
        parts["word/footnotes.xml"] = (
            f'<w:footnotes xmlns:w="{WORD_NS}"><w:footnote w:id="1"><w:p><w:r>'
            "<w:t>Kilde: Danmarks Statistik.</w:t></w:r></w:p></w:footnote></w:footnotes>"
        ).encode()
        relationships = parts["word/_rels/document.xml.rels"].decode()
        relationships = re.sub(
            r'(Type="[^"]*/image" )Target="[^"]*"',
            r'\1Target="https://example.org/foto.png" TargetMode="External"',
            relationships,
        ).replace(
            "</Relationships>",
            f'<Relationship Id="rIdFootnotes" Type="{RELATIONSHIPS}/footnotes" '
            'Target="footnotes.xml"/></Relationships>',
        )
        parts["word/_rels/document.xml.rels"] = relationships.encode()
        parts["[Content_Types].xml"] = (
            parts["[Content_Types].xml"]
            .decode()
            .replace(
                "</Types>",
                '<Override PartName="/word/footnotes.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
            )
            .encode()
        )

    return rewritten(data, change)
