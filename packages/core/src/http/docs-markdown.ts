/* A small markdown subset for the docs page: headings, paragraphs, fenced code, lists, inline
   code, bold and links. Every piece of text is HTML-escaped: descriptions are operator text. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<script>alert("1")</script>'); // '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/* Relative links, fragments, http(s) and mailto; anything with another scheme (javascript:, data:) is not a link. */
const isSafeHref = (href: string) => !/^[a-z][a-z0-9+.-]*:/i.test(href) || /^(https?|mailto):/i.test(href);

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

/**
 * Renders inline markdown: `code`, **bold** and [links](https://example.org).
 *
 * @example
 * ```ts
 * renderInline('Use `X-Api-Key`, see [the guide](#signing-webhooks).');
 * // 'Use <code>X-Api-Key</code>, see <a href="#signing-webhooks">the guide</a>.'
 * ```
 */
export function renderInline(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, code, bold, label, href] = match;
    html += escapeHtml(text.slice(last, match.index));
    if (code !== undefined) html += `<code>${escapeHtml(code)}</code>`;
    else if (bold !== undefined) html += `<strong>${renderInline(bold)}</strong>`;
    else if (label !== undefined && href !== undefined && isSafeHref(href)) {
      html += `<a href="${escapeHtml(href)}">${renderInline(label)}</a>`;
    } else html += escapeHtml(label ?? whole);
    last = match.index + whole.length;
  }
  return html + escapeHtml(text.slice(last));
}

/**
 * A heading of rendered markdown, for a table of contents.
 *
 * @example
 * ```ts
 * const heading: MarkdownHeading = { id: 'signing-webhooks', level: 2, text: 'Signing webhooks' };
 * ```
 */
export interface MarkdownHeading {
  id: string;
  level: number;
  /** As written, not escaped. */
  text: string;
}

const FENCE = /^```\s*([\w-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$/;
const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

/**
 * An id made of a text's letters and digits, for anchors.
 *
 * @example
 * ```ts
 * slug('Signing webhooks'); // 'signing-webhooks'
 * ```
 */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section'
  );
}

/**
 * Renders a markdown document. Headings start at `<h2>` (the page owns `<h1>`) and get ids made
 * from their text, prefixed with `idPrefix`.
 *
 * @example
 * ```ts
 * const { html, headings } = renderMarkdown('## Errors\n\nEvery error is a `Problem`.');
 * // html: '<h2 id="errors">Errors</h2>\n<p>Every error is a <code>Problem</code>.</p>'
 * ```
 */
export function renderMarkdown(text: string, idPrefix = ''): { html: string; headings: MarkdownHeading[] } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[] = [];
  const headings: MarkdownHeading[] = [];
  const used = new Map<string, number>();
  let paragraph: string[] = [];
  // Cast, not annotated: `flush` reassigns it, which narrowing from `= null` would not see.
  let list = null as { tag: 'ul' | 'ol'; items: string[] } | null;

  const flush = () => {
    if (paragraph.length > 0) blocks.push(`<p>${renderInline(paragraph.join(' '))}</p>`);
    if (list) blocks.push(`<${list.tag}>${list.items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</${list.tag}>`);
    paragraph = [];
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^```\s*$/.test(lines[i] ?? '')) code.push(lines[i] ?? '');
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const level = Math.max(2, heading[1]?.length ?? 2);
      const title = heading[2] ?? '';
      const base = `${idPrefix}${slug(title)}`;
      const seen = used.get(base) ?? 0;
      used.set(base, seen + 1);
      const id = seen === 0 ? base : `${base}-${seen + 1}`;
      headings.push({ id, level, text: title });
      blocks.push(`<h${level} id="${escapeHtml(id)}">${renderInline(title)}</h${level}>`);
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const tag = bullet ? 'ul' : 'ol';
      if (paragraph.length > 0 || list?.tag !== tag) flush();
      list ??= { tag, items: [] };
      list.items.push(item[1] ?? '');
    } else if (line.trim() === '') {
      flush();
    } else if (list && /^\s/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return { html: blocks.join('\n'), headings };
}
