import { parseMarkdownLite, type LiteBlock, type LiteInline } from './markdown-lite';

/** A node of the Atlassian Document Format (the subset this package writes). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
}

/** An ADF document: what Jira Cloud's REST v3 takes as a description or comment. */
export interface AdfDocument {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

function inlineNodes(content: LiteInline[]): AdfNode[] {
  return content.map((inline): AdfNode => {
    if (inline.type === 'break') return { type: 'hardBreak' };
    if (inline.type === 'link') return { type: 'text', text: inline.text, marks: [{ type: 'link', attrs: { href: inline.href } }] };
    return { type: 'text', text: inline.text };
  });
}

function blockNode(block: LiteBlock): AdfNode {
  switch (block.type) {
    case 'paragraph':
      return { type: 'paragraph', content: inlineNodes(block.content) };
    case 'list':
      return {
        type: block.ordered ? 'orderedList' : 'bulletList',
        content: block.items.map((item) => ({ type: 'listItem', content: [{ type: 'paragraph', content: inlineNodes(item) }] })),
      };
    case 'code':
      // ADF forbids empty text nodes: an empty code block has no content at all.
      return {
        type: 'codeBlock',
        attrs: block.language ? { language: block.language } : {},
        content: block.text === '' ? [] : [{ type: 'text', text: block.text }],
      };
  }
}

/**
 * Converts plain text or light markdown (see {@link parseMarkdownLite}) to an ADF document.
 * ADF is JSON, so nothing needs escaping: markup in the text stays text.
 *
 * @example
 * ```ts
 * toAdf('Printer down\nsince 9:00');
 * // { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [
 * //   { type: 'text', text: 'Printer down' }, { type: 'hardBreak' }, { type: 'text', text: 'since 9:00' }] }] }
 * ```
 */
export function toAdf(text: string): AdfDocument {
  return { version: 1, type: 'doc', content: parseMarkdownLite(text).map(blockNode) };
}
