/**
 * Makes arbitrary text speakable: removes control and invisible characters, emoji, HTML and
 * Markdown markup (keeping link and image text), decodes HTML entities, and splits the result
 * into blocks (paragraphs, list items, headings) that each hold one line of plain text.
 *
 * Every pattern here is bounded, so hostile input (unclosed tags, megabytes of brackets or
 * asterisks, lone surrogates) costs linear time and never throws.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  bull: '•',
  middot: '·',
  times: '×',
  divide: '÷',
  minus: '−',
};

/** Tags after which speech should pause as at a paragraph break. */
const BLOCK_TAGS =
  /^(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|pre|hr|dt|dd)$/i;

function decodeEntity(match: string, decimal?: string, hex?: string, name?: string): string {
  if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? match;
  const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
  const valid =
    Number.isInteger(code) &&
    code > 0x1f &&
    code <= 0x10ffff &&
    !(code >= 0xd800 && code <= 0xdfff) &&
    !(code >= 0x7f && code <= 0x9f);
  return valid ? String.fromCodePoint(code) : ' ';
}

function stripHtml(text: string): string {
  return text
    .replace(/<!--[\s\S]{0,20000}?-->/g, ' ')
    .replace(/<(script|style)\b[^<>]{0,1000}>[\s\S]{0,100000}?<\/\1\s{0,10}>/gi, ' ')
    .replace(/<\/?([A-Za-z][A-Za-z0-9-]{0,20})(?:\s[^<>]{0,1000})?\/?>/g, (_match, tag: string) =>
      BLOCK_TAGS.test(tag) ? '\n\n' : ' ',
    )
    .replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g, decodeEntity);
}

/** Characters that are never spoken: zero-width, bidi controls, variation selectors, tags. */
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each joiner and selector is removed on its own, on purpose.
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\u{e0000}-\u{e0fff}]/gu;
/** C0 and C1 controls other than tab and line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Lone UTF-16 surrogates, which are not characters at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Emoji and pictographs, their skin-tone modifiers, keycaps and flag letters. */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: modifiers and keycaps are removed on their own, on purpose.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u20e3\u{1f1e6}-\u{1f1ff}]/gu;

function stripInline(line: string): string {
  return line
    .replace(/!\[([^[\]]{0,500})\]\([^()\s]{0,2048}(?:\s"[^"]{0,500}")?\)/g, '$1')
    .replace(/\[([^[\]]{0,500})\]\([^()\s]{0,2048}(?:\s"[^"]{0,500}")?\)/g, '$1')
    .replace(/\[([^[\]]{1,500})\]\[[^[\]]{0,100}\]/g, '$1')
    .replace(/\[\^[^[\]]{1,50}\]/g, ' ')
    .replace(/<((?:https?|ftp):\/\/[^<>\s]{1,2048}|[^<>\s@]{1,64}@[^<>\s]{1,255})>/g, '$1')
    .replace(/[*`~]+/g, '')
    .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, ' ');
}

type LineKind = 'blank' | 'item' | 'text' | 'rule' | 'fence';

/** Removes a Markdown line's block marker and says what kind of line it is. */
function classify(line: string): { kind: LineKind; text: string } {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'blank', text: '' };
  if (/^(?:`{3,}|~{3,})/.test(trimmed)) return { kind: 'fence', text: '' };
  if (/^(?:[-*_][ \t]{0,3}){3,}$/.test(trimmed)) return { kind: 'rule', text: '' };
  if (
    /^\|?[ \t]{0,3}:?-{1,}:?[ \t]{0,3}(?:\|[ \t]{0,3}:?-{1,}:?[ \t]{0,3}){0,50}\|?$/.test(trimmed)
  )
    return { kind: 'rule', text: '' };
  const heading = /^#{1,6}[ \t]+(.*)$/.exec(trimmed);
  if (heading) return { kind: 'item', text: (heading[1] as string).replace(/[ \t]#+$/, '') };
  const quote = /^(?:>[ \t]?){1,10}(.*)$/.exec(trimmed);
  const body = quote ? (quote[1] as string) : trimmed;
  const item = /^(?:[-*+•◦▪][ \t]+|\d{1,3}[.)][ \t]+)(.*)$/.exec(body);
  if (item) return { kind: 'item', text: item[1] as string };
  if (body.startsWith('|')) return { kind: 'item', text: body.split('|').join(', ') };
  return { kind: 'text', text: body };
}

/**
 * Cleans `text` and returns its blocks: paragraphs (lines joined until a blank line), and list
 * items, headings and table rows on their own. Each block is one line of plain text.
 */
export function cleanText(text: string): string[] {
  const plain = stripHtml(
    text
      .replace(LONE_SURROGATE, '')
      .normalize('NFC')
      .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n'),
  )
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(EMOJI, ' ')
    .replace(/\t/g, ' ');
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const joined = paragraph.join(' ').replace(/ {2,}/g, ' ').trim();
    if (joined !== '') blocks.push(joined);
    paragraph = [];
  };
  for (const line of plain.split('\n')) {
    const { kind, text: body } = classify(line);
    if (kind === 'text') {
      paragraph.push(stripInline(body));
      continue;
    }
    flush();
    if (kind === 'item') {
      paragraph.push(stripInline(body));
      flush();
    }
  }
  flush();
  return blocks;
}
