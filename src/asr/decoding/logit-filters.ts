/**
 * Rules applied to the logits of each decoding step before a token is chosen, as in OpenAI's
 * `decoding.py` (`SuppressBlank`, `SuppressTokens`, `ApplyTimestampRules`), plus Earshot's hotword
 * bonus and minimum-length rule. Each filter edits one row's logits in place.
 */
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import { logSumExp } from './math.js';

export interface LogitFilter {
  /** `tokens` is the whole sequence so far, initial tokens included. */
  apply(logits: Float32Array, tokens: readonly number[]): void;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

/** Forbids a blank (space) or end of text as the first sampled token. */
export class SuppressBlank implements LogitFilter {
  private readonly blank: number[];
  constructor(
    tokenizer: WhisperTokenizer,
    private readonly sampleBegin: number,
  ) {
    this.blank = [...tokenizer.encode(' '), tokenizer.eot];
  }
  apply(logits: Float32Array, tokens: readonly number[]): void {
    if (tokens.length === this.sampleBegin) for (const token of this.blank) logits[token] = NEG_INF;
  }
}

export class SuppressTokens implements LogitFilter {
  constructor(private readonly suppressed: readonly number[]) {}
  apply(logits: Float32Array): void {
    for (const token of this.suppressed) if (token < logits.length) logits[token] = NEG_INF;
  }
}

/** Forbids end of text until `minimum` tokens have been sampled: a fixed decoding budget. */
export class MinimumLength implements LogitFilter {
  constructor(
    private readonly eot: number,
    private readonly sampleBegin: number,
    private readonly minimum: number,
  ) {}
  apply(logits: Float32Array, tokens: readonly number[]): void {
    if (tokens.length - this.sampleBegin < this.minimum) logits[this.eot] = NEG_INF;
  }
}

/**
 * Whisper's timestamp grammar: timestamps come in pairs (except right before end of text), never
 * decrease, each segment is non-empty, the first token is a timestamp no later than
 * `maxInitialTimestampIndex`, and when timestamps together are likelier than any text token a
 * timestamp is forced.
 */
export class ApplyTimestampRules implements LogitFilter {
  constructor(
    private readonly tokenizer: WhisperTokenizer,
    private readonly sampleBegin: number,
    private readonly maxInitialTimestampIndex: number | null,
  ) {}

  apply(logits: Float32Array, tokens: readonly number[]): void {
    const { timestampBegin, eot, noTimestamps } = this.tokenizer;
    logits[noTimestamps] = NEG_INF;
    const sampled = tokens.slice(this.sampleBegin);
    const lastWasTimestamp =
      sampled.length >= 1 && (sampled[sampled.length - 1] as number) >= timestampBegin;
    const penultimateWasTimestamp =
      sampled.length < 2 || (sampled[sampled.length - 2] as number) >= timestampBegin;
    if (lastWasTimestamp) {
      if (penultimateWasTimestamp)
        logits.fill(NEG_INF, timestampBegin); // has to be text
      else logits.fill(NEG_INF, 0, eot); // cannot be text
    }
    const timestamps = sampled.filter((token) => token >= timestampBegin);
    if (timestamps.length > 0) {
      // Timestamps never decrease; a segment that just closed forces a strictly later one.
      const last = timestamps[timestamps.length - 1] as number;
      const lowest = lastWasTimestamp && !penultimateWasTimestamp ? last : last + 1;
      logits.fill(NEG_INF, timestampBegin, lowest);
    }
    if (tokens.length === this.sampleBegin) {
      logits.fill(NEG_INF, 0, timestampBegin); // the first token is a timestamp
      if (this.maxInitialTimestampIndex !== null) {
        logits.fill(NEG_INF, timestampBegin + this.maxInitialTimestampIndex + 1);
      }
    }
    const normaliser = logSumExp(logits);
    const timestampLogprob = logSumExp(logits, timestampBegin) - normaliser;
    let maxText = NEG_INF;
    for (let i = 0; i < timestampBegin; i++)
      if ((logits[i] as number) > maxText) maxText = logits[i] as number;
    if (timestampLogprob > maxText - normaliser) logits.fill(NEG_INF, 0, timestampBegin);
  }
}

interface TrieNode {
  children: Map<number, TrieNode>;
}

/**
 * Contextual biasing: adds `boost` to every token that starts a hotword or continues the hotword
 * the output is in the middle of. Hotwords are matched with and without a leading space.
 */
export class HotwordBias implements LogitFilter {
  private readonly root: TrieNode = { children: new Map() };
  private readonly depth: number;

  constructor(
    tokenizer: WhisperTokenizer,
    hotwords: readonly string[],
    private readonly sampleBegin: number,
    private readonly boost: number,
  ) {
    let depth = 0;
    for (const hotword of hotwords) {
      const trimmed = hotword.trim();
      if (!trimmed) continue;
      for (const variant of [` ${trimmed}`, trimmed]) {
        const sequence = tokenizer.encode(variant);
        depth = Math.max(depth, sequence.length);
        let node = this.root;
        for (const token of sequence) {
          let next = node.children.get(token);
          if (!next) {
            next = { children: new Map() };
            node.children.set(token, next);
          }
          node = next;
        }
      }
    }
    this.depth = depth;
  }

  apply(logits: Float32Array, tokens: readonly number[]): void {
    const boosted = new Set<number>(this.root.children.keys());
    const sampled = tokens.slice(this.sampleBegin);
    for (let length = 1; length < this.depth && length <= sampled.length; length++) {
      let node: TrieNode | undefined = this.root;
      for (let i = sampled.length - length; i < sampled.length && node; i++)
        node = node.children.get(sampled[i] as number);
      if (node) for (const token of node.children.keys()) boosted.add(token);
    }
    for (const token of boosted) {
      if (token < logits.length && logits[token] !== NEG_INF)
        logits[token] = (logits[token] as number) + this.boost;
    }
  }
}
