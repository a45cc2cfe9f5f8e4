import { describe, expect, it } from 'vitest';
import { toAdf, type AdfNode } from '../src/adf';
import { parseMarkdownLite } from '../src/markdown-lite';
import { toStorageFormat } from '../src/storage-format';
import { toWikiMarkup } from '../src/wiki-markup';

const text = (value: string): AdfNode => ({ type: 'text', text: value });
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

const cases: { name: string; input: string; adf: AdfNode[]; storage: string; wiki: string }[] = [
  { name: 'empty', input: '', adf: [], storage: '', wiki: '' },
  { name: 'one line', input: 'Printer down', adf: [paragraph(text('Printer down'))], storage: '<p>Printer down</p>', wiki: 'Printer down' },
  {
    name: 'paragraphs and a line break',
    input: 'one\ntwo\r\n\r\nthree',
    adf: [paragraph(text('one'), { type: 'hardBreak' }, text('two')), paragraph(text('three'))],
    storage: '<p>one<br />two</p><p>three</p>',
    wiki: 'one\ntwo\n\nthree',
  },
  {
    name: 'bullet and numbered lists',
    input: '- a\n* b\n\n1. c\n2) d',
    adf: [
      { type: 'bulletList', content: [{ type: 'listItem', content: [paragraph(text('a'))] }, { type: 'listItem', content: [paragraph(text('b'))] }] },
      { type: 'orderedList', content: [{ type: 'listItem', content: [paragraph(text('c'))] }, { type: 'listItem', content: [paragraph(text('d'))] }] },
    ],
    storage: '<ul><li>a</li><li>b</li></ul><ol><li>c</li><li>d</li></ol>',
    wiki: '* a\n* b\n\n# c\n# d',
  },
  {
    name: 'a code block with a language',
    input: '```sql\nselect * from t where a < 1;\n```',
    adf: [{ type: 'codeBlock', attrs: { language: 'sql' }, content: [text('select * from t where a < 1;')] }],
    storage:
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">sql</ac:parameter><ac:plain-text-body><![CDATA[select * from t where a < 1;]]></ac:plain-text-body></ac:structured-macro>',
    wiki: '{code:sql}\nselect * from t where a < 1;\n{code}',
  },
  {
    name: 'links, and a javascript: link left as text',
    input: 'see [the KB](https://kb.corp/a?b=1&c=2) or https://x.corp/p. Not [me](javascript:alert(1))',
    adf: [
      paragraph(
        text('see '),
        { type: 'text', text: 'the KB', marks: [{ type: 'link', attrs: { href: 'https://kb.corp/a?b=1&c=2' } }] },
        text(' or '),
        { type: 'text', text: 'https://x.corp/p', marks: [{ type: 'link', attrs: { href: 'https://x.corp/p' } }] },
        text('. Not [me](javascript:alert(1))'),
      ),
    ],
    storage:
      '<p>see <a href="https://kb.corp/a?b=1&#38;c=2">the KB</a> or <a href="https://x.corp/p">https://x.corp/p</a>. Not [me](javascript:alert(1))</p>',
    wiki: 'see [the KB|https://kb.corp/a?b=1&c=2] or [https://x.corp/p]. Not \\[me\\](javascript:alert(1))',
  },
  {
    name: 'hostile markup stays text',
    input: '<script>alert("x")</script> & *bold* {color:red}h1. [x|y]',
    adf: [paragraph(text('<script>alert("x")</script> & *bold* {color:red}h1. [x|y]'))],
    storage: '<p>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; *bold* {color:red}h1. [x|y]</p>',
    wiki: '<script>alert("x")</script> & \\*bold\\* \\{color:red\\}h1. \\[x\\|y\\]',
  },
  {
    name: 'a heading marker at the start of a line',
    input: 'h1. not a heading',
    adf: [paragraph(text('h1. not a heading'))],
    storage: '<p>h1. not a heading</p>',
    wiki: 'h1\\. not a heading',
  },
  {
    name: ']]> inside code is split across CDATA sections; {code} inside code switches macro',
    input: '```\na]]>b {code}\n```',
    adf: [{ type: 'codeBlock', attrs: {}, content: [text('a]]>b {code}')] }],
    storage:
      '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b {code}]]></ac:plain-text-body></ac:structured-macro>',
    wiki: '{noformat}\na]]>b {code}\n{noformat}',
  },
  {
    name: 'XML-forbidden control characters and lone surrogates are stripped, tab kept',
    input: 'a\u0000b\u0007c\u001Fd\tz\uFFFE\uD800!',
    adf: [paragraph(text('abcd\tz!'))],
    storage: '<p>abcd\tz!</p>',
    wiki: 'abcd\tz\\!',
  },
];

describe.each(cases)('conversion: $name', ({ input, adf, storage, wiki }) => {
  it('to ADF', () => expect(toAdf(input)).toEqual({ version: 1, type: 'doc', content: adf }));
  it('to storage format', () => expect(toStorageFormat(input)).toBe(storage));
  it('to wiki markup', () => expect(toWikiMarkup(input)).toBe(wiki));
});

describe('conversion of large and pathological input', () => {
  const hostile = [
    ['100 KB of prose', 'lorem ipsum dolor '.repeat(6_000)],
    ['100 KB of brackets', '['.repeat(100_000)],
    ['100 KB of link-like text', '[a](http://'.repeat(10_000)],
    ['100 KB of ]]> in code', `\`\`\`\n${']]>'.repeat(34_000)}\n\`\`\``],
    ['100 KB of control characters', '\u0001\u0002'.repeat(50_000)],
  ] as const;

  it.each(hostile)('%s converts completely and stays well formed', (_, input) => {
    const storage = toStorageFormat(input);
    expect(storage).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(storage.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')).not.toContain(']]>');
    expect(JSON.stringify(toAdf(input)).length).toBeGreaterThan(30);
    expect(toWikiMarkup(input).length).toBeGreaterThanOrEqual(0);
    expect(parseMarkdownLite(input).length).toBeLessThanOrEqual(1);
  });

  it('keeps every character of 100 KB code through the CDATA split', () => {
    const code = ']]>'.repeat(34_000);
    const storage = toStorageFormat(`\`\`\`\n${code}\n\`\`\``);
    const sections = [...storage.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((match) => match[1]).join('');
    expect(sections).toBe(code);
  });
});
