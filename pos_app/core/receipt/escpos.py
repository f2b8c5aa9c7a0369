"""A receipt as ESC/POS bytes for a thermal printer, Chinese included.

Chinese thermal printers take two-byte text once Chinese character mode is on (`FS &`), in
GB18030 (GBK and GB2312 are its subsets, so the common characters print on older models too).
A Chinese glyph takes two columns of the ASCII font, as `receipt.text` counts them, so the text
layout is shared with the screen. The QR is the printer's own (`GS ( k`, model 2), not an image:
sharp at any printer resolution and a few dozen bytes.
"""

from __future__ import annotations

from .layout import Row, rows
from .model import Receipt
from .text import row_lines

ENCODING = "gb18030"

INIT = b"\x1b@"  # ESC @: forget any mode a previous job left
CHINESE_ON = b"\x1c&"  # FS &: two-byte (Chinese) character mode
ALIGN_LEFT, ALIGN_CENTER = b"\x1ba\x00", b"\x1ba\x01"  # ESC a n
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"  # ESC E n
TALL_ON, TALL_OFF = b"\x1d!\x01", b"\x1d!\x00"  # GS ! n: double height keeps the width in columns
FEED_AND_CUT = b"\x1bd\x03" + b"\x1dVA\x03"  # ESC d 3 past the cutter, GS V 65: feed and cut

# Printer fonts carry GB2312's full-width yen and no bullet; the screen keeps its own glyphs.
_PRINTABLE = str.maketrans({"¥": "￥", "•": "*"})


def qr_commands(payload: str, module_size: int = 6) -> bytes:
    """`GS ( k` commands that store `payload` and print it as a QR (model 2, error level M)."""
    data = payload.encode("ascii")
    store_len = len(data) + 3
    return b"".join([
        b"\x1d(k\x04\x001A2\x00",  # fn 165: model 2
        b"\x1d(k\x03\x001C" + bytes([module_size]),  # fn 167: module size in dots
        b"\x1d(k\x03\x001E1",  # fn 169: error correction M (15 %)
        b"\x1d(k" + bytes([store_len & 0xFF, store_len >> 8]) + b"1P0" + data,  # fn 180: store
        b"\x1d(k\x03\x001Q0",  # fn 181: print what was stored
    ])


def _text(line: str) -> bytes:
    return line.translate(_PRINTABLE).encode(ENCODING, errors="replace") + b"\n"


def render_escpos(receipt: Receipt, width: int = 32, language: str = "zh_CN") -> bytes:
    """The whole print job: init, Chinese mode, the receipt's rows, its QR, feed and cut.
    `width` is the paper's columns in the standard font (32 for 58 mm, 48 for 80 mm)."""
    return rows_escpos(rows(receipt, language, card_dot="*"), width)


def rows_escpos(layout: list[Row], width: int = 32) -> bytes:
    """A print job of any laid-out rows (a receipt, a closing report): init, Chinese mode, the
    rows (titles bold and tall, QR rows as the printer's own QR), feed and cut."""
    out = [INIT, CHINESE_ON]
    for row in layout:
        if row.style == "qr":
            out += [ALIGN_CENTER, qr_commands(row.value), b"\n", ALIGN_LEFT]
            continue
        # Rows are laid out with the printer's glyphs so the columns measured are those printed.
        row = Row(row.style, row.value.translate(_PRINTABLE), row.label.translate(_PRINTABLE))
        lines = row_lines(row, width)
        if row.style == "title":
            out += [BOLD_ON, TALL_ON, *map(_text, lines), TALL_OFF, BOLD_OFF]
        else:
            out += map(_text, lines)
    out.append(FEED_AND_CUT)
    return b"".join(out)
