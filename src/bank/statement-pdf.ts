// The statement (거래내역서) as an A4 PDF: header, period summary, and the postings table with its
// header repeated on every page, set in Pretendard (OFL, from its npm package) embedded as a subset.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { type Font as FontkitFont, create as openFont } from "fontkit";
import { PageSizes, PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { formatSeoulDateTime } from "../calendar/seoul-day.ts";
import type { BankContext } from "./context.ts";
import {
  formatPeriod,
  kindLabel,
  loadStatement,
  type Statement,
  type StatementOptions,
  truncationNote,
} from "./statement.ts";

export const statementTitle = "거래내역서 (Statement of transactions)";

export async function statementPdf(ctx: BankContext, options: StatementOptions): Promise<Uint8Array> {
  return renderStatementPdf(await loadStatement(ctx, options));
}

// --- Fonts -------------------------------------------------------------------------------------

/*
 * pdf-lib needs a fontkit to embed a TrueType/OpenType font. Its own fork, @pdf-lib/fontkit 1.1.1,
 * corrupts subsets of CJK fonts (a short `loca` table without padding loses most glyphs: text
 * extracts fine but prints as blanks), so we register upstream fontkit 2 instead. pdf-lib asks the
 * subset for a Node stream (`encodeStream`), which fontkit 2 replaced by `encode()`; the adapter
 * below adds it back. Parsed fonts are kept per font file, since parsing one takes ~100 ms.
 */
type PdfLibFontkit = Parameters<PDFDocument["registerFontkit"]>[0];

const parsedFonts = new WeakMap<Uint8Array, FontkitFont>();

const upstreamFontkit = {
  create(bytes: Uint8Array): FontkitFont {
    const cached = parsedFonts.get(bytes);
    if (cached) return cached;
    const parsed = openFont(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!("createSubset" in parsed)) throw new Error("a font collection cannot be embedded");
    const createSubset = parsed.createSubset.bind(parsed);
    const font = Object.assign(parsed, {
      createSubset: () => {
        const subset = createSubset();
        return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
      },
    });
    parsedFonts.set(bytes, font);
    return font;
  },
};

// TrueType outlines rather than the OTF (CFF) files: smaller subsets, and simpler for viewers.
const fontFiles = {
  regular: "pretendard/dist/public/static/alternative/Pretendard-Regular.ttf",
  semibold: "pretendard/dist/public/static/alternative/Pretendard-SemiBold.ttf",
};

let fontBytes: Promise<{ regular: Uint8Array; semibold: Uint8Array }> | undefined;

function loadFontBytes(): Promise<{ regular: Uint8Array; semibold: Uint8Array }> {
  if (!fontBytes) {
    const require = createRequire(import.meta.url);
    fontBytes = Promise.all([
      readFile(require.resolve(fontFiles.regular)),
      readFile(require.resolve(fontFiles.semibold)),
    ]).then(([regular, semibold]) => ({ regular, semibold }));
    fontBytes.catch(() => {
      fontBytes = undefined; // A failed read is retried by the next statement.
    });
  }
  return fontBytes;
}

// --- Layout ------------------------------------------------------------------------------------

const [pageWidth, pageHeight] = PageSizes.A4;
const margin = 40;
const contentWidth = pageWidth - 2 * margin;
const footerY = 24;
/** The lowest a table row may reach, leaving room for the footer. */
const tableBottom = 48;
const rowHeight = 16;
const headerRowHeight = 20;
const cellPadding = 4;
const bodySize = 8.5;

const black = rgb(0.1, 0.1, 0.12);
const grey = rgb(0.42, 0.42, 0.46);
const rule = rgb(0.78, 0.78, 0.8);
const headerFill = rgb(0.92, 0.93, 0.95);
const stripeFill = rgb(0.975, 0.975, 0.98);
const warning = rgb(0.7, 0.12, 0.1);

interface Column {
  label: string;
  width: number;
  align: "left" | "right";
}

const amountWidth = 84;
const dateWidth = 98;
const balanceWidth = 92;
const columns: Column[] = [
  { label: "거래일시", width: dateWidth, align: "left" },
  { label: "적요", width: contentWidth - dateWidth - 2 * amountWidth - balanceWidth, align: "left" },
  { label: "출금", width: amountWidth, align: "right" },
  { label: "입금", width: amountWidth, align: "right" },
  { label: "잔액", width: balanceWidth, align: "right" },
];

/** 1234567 → "1,234,567원", without Intl so the output is the same on any Node build. */
export function formatWon(amount: bigint): string {
  return `${amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}원`;
}

interface Fonts {
  regular: PDFFont;
  semibold: PDFFont;
}

interface Cursor {
  page: PDFPage;
  y: number;
}

/** Control characters would break a line or draw as nothing useful; a table cell is one line. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, " ");
}

/** The text cut to fit `width` with an ellipsis, by code point so no surrogate pair is split. */
function fitText(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && font.widthOfTextAtSize(`${chars.join("")}…`, size) > width) chars.pop();
  return `${chars.join("")}…`;
}

/** A size at most `size` at which the text fits `width` (amounts are shrunk, never cut). */
function fitSize(text: string, font: PDFFont, size: number, width: number): number {
  const natural = font.widthOfTextAtSize(text, size);
  return natural <= width ? size : Math.max(5, (size * width) / natural);
}

/** Greedy word wrap for notes; a word longer than the line is cut by fitText. */
function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
    else {
      lines.push(fitText(line, font, size, width));
      line = word;
    }
  }
  if (line) lines.push(fitText(line, font, size, width));
  return lines;
}

function drawCell(
  page: PDFPage,
  text: string,
  p: { x: number; y: number; width: number; align: "left" | "right"; font: PDFFont; size: number },
): void {
  const inner = p.width - 2 * cellPadding;
  const size = p.align === "right" ? fitSize(text, p.font, p.size, inner) : p.size;
  const shown = p.align === "right" ? text : fitText(text, p.font, size, inner);
  const textWidth = p.font.widthOfTextAtSize(shown, size);
  const x = p.align === "right" ? p.x + p.width - cellPadding - textWidth : p.x + cellPadding;
  page.drawText(shown, { x, y: p.y, size, font: p.font, color: black });
}

function drawTableHeader(cursor: Cursor, fonts: Fonts): void {
  const { page } = cursor;
  const top = cursor.y;
  page.drawRectangle({
    x: margin,
    y: top - headerRowHeight,
    width: contentWidth,
    height: headerRowHeight,
    color: headerFill,
  });
  page.drawLine({
    start: { x: margin, y: top },
    end: { x: margin + contentWidth, y: top },
    thickness: 0.8,
    color: grey,
  });
  page.drawLine({
    start: { x: margin, y: top - headerRowHeight },
    end: { x: margin + contentWidth, y: top - headerRowHeight },
    thickness: 0.5,
    color: grey,
  });
  let x = margin;
  for (const c of columns) {
    // Amount headers sit over the amounts, right-aligned like them.
    drawCell(page, c.label, {
      x,
      y: top - headerRowHeight + 6.5,
      width: c.width,
      align: c.align,
      font: fonts.semibold,
      size: 9,
    });
    x += c.width;
  }
  cursor.y = top - headerRowHeight;
}

function closeTable(cursor: Cursor): void {
  cursor.page.drawLine({
    start: { x: margin, y: cursor.y },
    end: { x: margin + contentWidth, y: cursor.y },
    thickness: 0.8,
    color: grey,
  });
}

/** Later pages repeat who and what in one line, then the table header. */
function continuationPage(doc: PDFDocument, s: Statement, fonts: Fonts): Cursor {
  const page = doc.addPage([pageWidth, pageHeight]);
  const y = pageHeight - margin - 10;
  page.drawText(
    fitText(`거래내역서 · ${s.accountNumber} · ${s.holderName}`, fonts.semibold, 10, contentWidth / 2),
    {
      x: margin,
      y,
      size: 10,
      font: fonts.semibold,
      color: black,
    },
  );
  const period = `조회기간 ${formatPeriod(s.from, s.to)}`;
  page.drawText(period, {
    x: margin + contentWidth - fonts.regular.widthOfTextAtSize(period, 8.5),
    y,
    size: 8.5,
    font: fonts.regular,
    color: grey,
  });
  const cursor = { page, y: y - 14 };
  drawTableHeader(cursor, fonts);
  return cursor;
}

function firstPage(doc: PDFDocument, s: Statement, fonts: Fonts): Cursor {
  const page = doc.addPage([pageWidth, pageHeight]);
  let y = pageHeight - margin - 18;
  page.drawText(statementTitle, { x: margin, y, size: 18, font: fonts.semibold, color: black });
  y -= 12;
  page.drawLine({
    start: { x: margin, y },
    end: { x: margin + contentWidth, y },
    thickness: 1.2,
    color: black,
  });

  // Who and what: two columns of label and value.
  const info: [string, string][][] = [
    [
      ["금고", s.cooperativeName],
      ["예금주", s.holderName],
      ["계좌번호", s.accountNumber],
    ],
    [
      ["예금종류", kindLabel(s)],
      ["조회기간", formatPeriod(s.from, s.to)],
      ["발급일시", formatSeoulDateTime(s.issuedAt)],
    ],
  ];
  const half = contentWidth / 2;
  const labelWidth = 52;
  y -= 20;
  for (let row = 0; row < 3; row++) {
    info.forEach((col, i) => {
      const [label, value] = col[row]!;
      const x = margin + i * half;
      page.drawText(label, { x, y, size: 9, font: fonts.regular, color: grey });
      page.drawText(fitText(value, fonts.regular, 10, half - labelWidth - 10), {
        x: x + labelWidth,
        y,
        size: 10,
        font: fonts.regular,
        color: black,
      });
    });
    y -= 17;
  }

  // The period in numbers: five boxes, label above value.
  const t = s.totals;
  const summary: [string, string][] = [
    ["거래건수", `${t.count.toLocaleString("en-US")}건`],
    ["입금합계", formatWon(t.totalIn)],
    ["출금합계", formatWon(t.totalOut)],
    ["기초잔액", formatWon(t.opening)],
    ["기말잔액", formatWon(t.closing)],
  ];
  const boxWidth = contentWidth / summary.length;
  const boxHeight = 38;
  y -= 6;
  page.drawRectangle({
    x: margin,
    y: y - boxHeight,
    width: contentWidth,
    height: boxHeight,
    borderColor: rule,
    borderWidth: 0.8,
  });
  summary.forEach(([label, value], i) => {
    const x = margin + i * boxWidth;
    if (i > 0) {
      page.drawLine({ start: { x, y }, end: { x, y: y - boxHeight }, thickness: 0.8, color: rule });
    }
    page.drawText(label, { x: x + 8, y: y - 14, size: 8.5, font: fonts.regular, color: grey });
    drawCell(page, value, {
      x,
      y: y - 30,
      width: boxWidth - 4,
      align: "right",
      font: fonts.semibold,
      size: 10.5,
    });
  });
  y -= boxHeight + 14;

  if (s.truncated) {
    for (const line of wrapText(truncationNote(s), fonts.regular, 8.5, contentWidth)) {
      page.drawText(line, { x: margin, y, size: 8.5, font: fonts.regular, color: warning });
      y -= 12;
    }
    y -= 2;
  }

  const cursor = { page, y };
  drawTableHeader(cursor, fonts);
  return cursor;
}

function drawFooters(doc: PDFDocument, s: Statement, fonts: Fonts): void {
  const pages = doc.getPages();
  const issued = `${s.cooperativeName} · 발급 ${formatSeoulDateTime(s.issuedAt)}`;
  pages.forEach((page, i) => {
    const number = `${i + 1} / ${pages.length}`;
    page.drawText(number, {
      x: (pageWidth - fonts.regular.widthOfTextAtSize(number, 9)) / 2,
      y: footerY,
      size: 9,
      font: fonts.regular,
      color: grey,
    });
    page.drawText(fitText(issued, fonts.regular, 7.5, contentWidth / 2 - 30), {
      x: margin,
      y: footerY,
      size: 7.5,
      font: fonts.regular,
      color: grey,
    });
  });
}

export async function renderStatementPdf(s: Statement): Promise<Uint8Array> {
  const bytes = await loadFontBytes();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(upstreamFontkit as unknown as PdfLibFontkit);
  // Tabular figures keep the digits of stacked amounts in line.
  const features = { tnum: true };
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true, features }),
    semibold: await doc.embedFont(bytes.semibold, { subset: true, features }),
  };
  // Fixed metadata, dated at issue, so the same statement renders to the same bytes.
  doc.setTitle(statementTitle, { showInWindowTitleBar: true });
  doc.setAuthor(s.cooperativeName);
  doc.setSubject(`${s.accountNumber} ${formatPeriod(s.from, s.to)}`);
  doc.setLanguage("ko-KR");
  doc.setCreator("geumgo");
  doc.setProducer("geumgo (pdf-lib)");
  doc.setCreationDate(s.issuedAt);
  doc.setModificationDate(s.issuedAt);

  let cursor = firstPage(doc, s, fonts);
  s.entries.forEach((e, i) => {
    if (cursor.y - rowHeight < tableBottom) {
      closeTable(cursor);
      cursor = continuationPage(doc, s, fonts);
    }
    const top = cursor.y;
    if (i % 2 === 1) {
      cursor.page.drawRectangle({
        x: margin,
        y: top - rowHeight,
        width: contentWidth,
        height: rowHeight,
        color: stripeFill,
      });
    }
    const cells = [
      formatSeoulDateTime(e.at),
      oneLine(e.description),
      e.amount < 0n ? formatWon(-e.amount) : "",
      e.amount > 0n ? formatWon(e.amount) : "",
      formatWon(e.balanceAfter),
    ];
    let x = margin;
    columns.forEach((c, j) => {
      drawCell(cursor.page, cells[j]!, {
        x,
        y: top - rowHeight + 5,
        width: c.width,
        align: c.align,
        font: fonts.regular,
        size: bodySize,
      });
      x += c.width;
    });
    cursor.y = top - rowHeight;
  });

  // Close the table, and say plainly where it ends (이하 여백: nothing follows).
  closeTable(cursor);
  if (cursor.y - 20 < tableBottom)
    cursor = { page: doc.addPage([pageWidth, pageHeight]), y: pageHeight - margin };
  const end = s.entries.length === 0 ? "조회 기간에 거래내역이 없습니다." : "— 이하 여백 —";
  cursor.page.drawText(end, {
    x: (pageWidth - fonts.regular.widthOfTextAtSize(end, 9)) / 2,
    y: cursor.y - 16,
    size: 9,
    font: fonts.regular,
    color: grey,
  });

  drawFooters(doc, s, fonts);
  return doc.save();
}
