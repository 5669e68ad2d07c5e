/**
 * Byte-level BPE as GPT-2 and Whisper use it, read from a Hugging Face `tokenizer.json`: text is
 * split by the GPT-2 pattern, each piece's UTF-8 bytes are mapped to printable characters, and
 * merges are applied by rank. Decoding maps the characters back to bytes and decodes UTF-8 with
 * replacement characters, as `errors="replace"` does.
 */

/** The GPT-2 pre-tokenisation pattern. */
const PIECE_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible map from bytes to printable Unicode characters. */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b)
      ? String.fromCodePoint(b)
      : String.fromCodePoint(256 + extra++);
  }
  return table;
}

const BYTE_TO_CHAR = byteToUnicode();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
const utf8Encoder = new TextEncoder();

export interface TokenizerJson {
  model: {
    type: string;
    vocab: Record<string, number>;
    merges: Array<string | [string, string]>;
  };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
}

export class ByteLevelBpe {
  private readonly vocab: Map<string, number>;
  private readonly idToToken: Map<number, string>;
  private readonly ranks: Map<string, number>;
  private readonly special: Map<string, number>;
  private readonly cache = new Map<string, number[]>();

  constructor(json: TokenizerJson) {
    if (json.model.type !== 'BPE')
      throw new Error(`expected a BPE tokenizer, got ${json.model.type}`);
    this.vocab = new Map(Object.entries(json.model.vocab));
    this.idToToken = new Map([...this.vocab].map(([token, id]) => [id, token]));
    this.ranks = new Map();
    json.model.merges.forEach((merge, rank) => {
      const [left, right] = typeof merge === 'string' ? merge.split(' ') : merge;
      this.ranks.set(`${left} ${right}`, rank);
    });
    this.special = new Map();
    for (const added of json.added_tokens ?? []) {
      this.special.set(added.content, added.id);
      this.idToToken.set(added.id, added.content);
    }
  }

  /** Id of a token given by its text (special tokens such as `<|en|>` included), if any. */
  tokenToId(token: string): number | undefined {
    return this.special.get(token) ?? this.vocab.get(token);
  }

  /** The token string of an id (byte-level characters for ordinary tokens). */
  idToTokenString(id: number): string | undefined {
    return this.idToToken.get(id);
  }

  /** Encodes plain text; special-token text is treated as ordinary text, never as a control token. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of text.matchAll(PIECE_PATTERN)) {
      const piece = match[0];
      let cached = this.cache.get(piece);
      if (!cached) {
        cached = this.encodePiece(piece);
        if (this.cache.size < 50_000) this.cache.set(piece, cached);
      }
      ids.push(...cached);
    }
    return ids;
  }

  private encodePiece(piece: string): number[] {
    let symbols = Array.from(utf8Encoder.encode(piece), (byte) => BYTE_TO_CHAR[byte] as string);
    while (symbols.length > 1) {
      let bestRank = Number.POSITIVE_INFINITY;
      let bestIndex = -1;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      const left = symbols[bestIndex] as string;
      const right = symbols[bestIndex + 1] as string;
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === left && symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else {
          merged.push(symbols[i] as string);
        }
      }
      symbols = merged;
    }
    return symbols.map((symbol) => {
      const id = this.vocab.get(symbol);
      if (id === undefined)
        throw new Error(`token ${JSON.stringify(symbol)} is missing from the vocabulary`);
      return id;
    });
  }

  /** The bytes an ordinary token stands for; special tokens give their UTF-8 text. */
  tokenBytes(id: number): Uint8Array {
    const token = this.idToToken.get(id);
    if (token === undefined) return new Uint8Array(0);
    if (this.special.has(token)) return utf8Encoder.encode(token);
    const bytes = new Uint8Array(token.length);
    let length = 0;
    for (const char of token) {
      const byte = CHAR_TO_BYTE.get(char);
      if (byte !== undefined) bytes[length++] = byte;
    }
    return bytes.subarray(0, length);
  }

  /** Decodes ids to text; invalid UTF-8 (a character split across tokens) becomes U+FFFD. */
  decode(ids: readonly number[]): string {
    const chunks = ids.map((id) => this.tokenBytes(id));
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  }
}
