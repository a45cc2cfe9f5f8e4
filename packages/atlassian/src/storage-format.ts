import { parseMarkdownLite, type LiteBlock, type LiteInline } from './markdown-lite';

/* Numeric references only: the storage format is XML, which knows no HTML named entities. */
const ESCAPES: Record<string, string> = { '&': '&#38;', '<': '&#60;', '>': '&#62;', '"': '&#34;' };

/**
 * Escapes text for Confluence storage XHTML, in element content and in double-quoted attributes.
 *
 * @example
 * ```ts
 * escapeXml('<b> & "q"'); // '&#60;b&#62; &#38; &#34;q&#34;'
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ESCAPES[char] ?? char);
}

/* `]]>` would end the section early: split it across two CDATA sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function inlineXml(content: LiteInline[]): string {
  return content
    .map((inline) => {
      if (inline.type === 'break') return '<br />';
      if (inline.type === 'link') return `<a href="${escapeXml(inline.href)}">${escapeXml(inline.text)}</a>`;
      return escapeXml(inline.text);
    })
    .join('');
}

function blockXml(block: LiteBlock): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${inlineXml(block.content)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((item) => `<li>${inlineXml(item)}</li>`).join('')}</${tag}>`;
    }
    case 'code': {
      const language = block.language ? `<ac:parameter ac:name="language">${escapeXml(block.language)}</ac:parameter>` : '';
      return `<ac:structured-macro ac:name="code">${language}<ac:plain-text-body>${cdata(block.text)}</ac:plain-text-body></ac:structured-macro>`;
    }
  }
}

/**
 * Converts plain text or light markdown (see {@link parseMarkdownLite}) to Confluence storage
 * format (XHTML): `& < > "` escaped as numeric references, code in the `code` macro's CDATA with
 * `]]>` split, XML-forbidden control characters removed. Markup in the text stays text.
 *
 * @example
 * ```ts
 * toStorageFormat('Reset the <b>VPN</b>:\n\n1. open settings\n2. click [Reset](https://kb.example/vpn)');
 * // '<p>Reset the &#60;b&#62;VPN&#60;/b&#62;:</p><ol><li>open settings</li><li>click <a href="https://kb.example/vpn">Reset</a></li></ol>'
 * ```
 */
export function toStorageFormat(text: string): string {
  return parseMarkdownLite(text).map(blockXml).join('');
}
