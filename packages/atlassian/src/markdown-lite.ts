/** A run of text, a link, or a line break inside a paragraph or list item. */
export type LiteInline = { type: 'text'; text: string } | { type: 'link'; text: string; href: string } | { type: 'break' };

/** A paragraph, a list, or a code block. */
export type LiteBlock =
  | { type: 'paragraph'; content: LiteInline[] }
  | { type: 'list'; ordered: boolean; items: LiteInline[][] }
  | { type: 'code'; language: string | undefined; text: string };

/*
 * XML 1.0 forbids C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF; a lone surrogate
 * cannot be encoded at all. Jira and Confluence reject or mangle all of them.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]{0,40})\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;
const CONTINUATION = /^\s+\S/;
/* Bounded, and `[` excluded from link text, so hostile input cannot make these backtrack for long. */
const LINK = /\[([^[\]\n]{1,500})\]\(([^()\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]']/g;
const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;

/**
 * Removes the characters no Atlassian format can carry: XML-forbidden controls and lone surrogates.
 *
 * @example
 * ```ts
 * stripForbiddenCharacters('bell\u0007 tab\t'); // 'bell tab\t'
 * ```
 */
export function stripForbiddenCharacters(text: string): string {
  return text.replace(FORBIDDEN, '');
}

/* A fence closes with the same character, at least as many times, and nothing else on the line. */
function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === marker.charAt(0).repeat(trimmed.length);
}

function parseInline(text: string): LiteInline[] {
  const out: LiteInline[] = [];
  const pushText = (value: string) => {
    const lines = value.split('\n');
    lines.forEach((line, i) => {
      if (i > 0) out.push({ type: 'break' });
      if (line !== '') out.push({ type: 'text', text: line });
    });
  };
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const [whole, label, target] = match;
    const href = target ?? whole;
    if (!SAFE_HREF.test(href)) continue;
    pushText(text.slice(last, match.index));
    out.push({ type: 'link', text: label ?? whole, href });
    last = match.index + whole.length;
  }
  pushText(text.slice(last));
  return out;
}

/**
 * Parses plain text or light markdown into the small tree the ADF, storage-format and
 * wiki-markup renderers share: paragraphs (blank-line separated, single newlines kept as line
 * breaks), `-`/`*`/`+` and `1.` lists, fenced code blocks, `[text](url)` and bare `http(s)`
 * links. Anything else is text, never markup: the renderers escape it. Links with other schemes
 * (`javascript:`) stay text. Forbidden characters are stripped first.
 *
 * @example
 * ```ts
 * parseMarkdownLite('Printer down\n\n- floor 3\n- since 9:00');
 * // [{ type: 'paragraph', content: [{ type: 'text', text: 'Printer down' }] },
 * //  { type: 'list', ordered: false, items: [[{ type: 'text', text: 'floor 3' }], [{ type: 'text', text: 'since 9:00' }]] }]
 * ```
 */
export function parseMarkdownLite(source: string): LiteBlock[] {
  const lines = stripForbiddenCharacters(source).replace(/\r\n?/g, '\n').split('\n');
  const blocks: LiteBlock[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', content: parseInline(paragraph.join('\n')) });
    if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map(parseInline) });
    paragraph = [];
    list = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      for (i++; i < lines.length; i++) {
        const inner = lines[i] ?? '';
        if (closesFence(inner, marker)) break;
        body.push(inner);
      }
      blocks.push({ type: 'code', language: fence[2] || undefined, text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const ordered = numbered !== null;
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(item[1] ?? '');
      continue;
    }
    if (list && CONTINUATION.test(line)) {
      list.items[list.items.length - 1] += `\n${line.trim()}`;
      continue;
    }
    if (list) flush();
    paragraph.push(line);
  }
  flush();
  return blocks;
}
