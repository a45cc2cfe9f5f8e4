import { parseMarkdownLite, type LiteBlock, type LiteInline } from './markdown-lite';

const MARKUP = /[\\*_+\-^~?{}[\]|!#]/g;
/* `h1.` and `bq.` start a heading or a quote only at the start of a line. */
const BLOCK_PREFIX = /^(\s*)(h[1-6]|bq)\./gm;

/**
 * Escapes Jira wiki-markup characters with a backslash, so text shows as typed on Jira Data Center.
 *
 * @example
 * ```ts
 * escapeWikiMarkup('*urgent* [see] {code}'); // '\\*urgent\\* \\[see\\] \\{code\\}'
 * ```
 */
export function escapeWikiMarkup(text: string): string {
  return text.replace(MARKUP, '\\$&').replace(BLOCK_PREFIX, '$1$2\\.');
}

/* A link target cannot hold `|`, `[`, `]` or spaces: they would end it. */
function linkTarget(href: string): string {
  return href.replace(/[|[\]\s]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function inlineWiki(content: LiteInline[], lineBreak: string): string {
  return content
    .map((inline) => {
      if (inline.type === 'break') return lineBreak;
      if (inline.type === 'link') {
        return inline.text === inline.href ? `[${linkTarget(inline.href)}]` : `[${escapeWikiMarkup(inline.text)}|${linkTarget(inline.href)}]`;
      }
      return escapeWikiMarkup(inline.text);
    })
    .join('');
}

/*
 * Nothing is escaped inside {code} or {noformat}, so a body holding the closing tag uses the
 * other macro; holding both, it falls back to escaped text.
 */
function codeWiki(text: string, language: string | undefined): string {
  if (!text.includes('{code')) return `{code${language ? `:${language}` : ''}}\n${text}\n{code}`;
  if (!text.includes('{noformat')) return `{noformat}\n${text}\n{noformat}`;
  return text.split('\n').map(escapeWikiMarkup).join('\n');
}

function blockWiki(block: LiteBlock): string {
  switch (block.type) {
    case 'paragraph':
      return inlineWiki(block.content, '\n');
    case 'list': {
      const bullet = block.ordered ? '#' : '*';
      // A newline would end the item: breaks inside one are the explicit `\\`.
      return block.items.map((item) => `${bullet} ${inlineWiki(item, ' \\\\ ')}`).join('\n');
    }
    case 'code':
      return codeWiki(block.text, block.language);
  }
}

/**
 * Converts plain text or light markdown (see {@link parseMarkdownLite}) to Jira wiki markup,
 * the description format of Jira Data Center's REST v2: markup characters in the text escaped,
 * lists as `*`/`#`, code in `{code}`, links as `[text|url]`.
 *
 * @example
 * ```ts
 * toWikiMarkup('Disk *full* on db-1\n\n- check /var\n- see https://wiki.corp/disk');
 * // 'Disk \\*full\\* on db\\-1\n\n* check /var\n* see [https://wiki.corp/disk]'
 * ```
 */
export function toWikiMarkup(text: string): string {
  return parseMarkdownLite(text).map(blockWiki).join('\n\n');
}
