/**
 * Decoding one 30-second window, as OpenAI's `DecodingTask`: build the initial tokens (previous
 * text, hotwords, start of transcript, language, task, prefix), run greedy, sampled or beam-search
 * decoding with the logit rules, and rank the candidates.
 */
import { deflateSync } from 'node:zlib';
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import type { TranscriptionTask } from '../types.js';
import {
  type DecoderStepper,
  type EncodedWindow,
  logitsRow,
  type WhisperRuntime,
} from '../whisper/runtime.js';
import {
  ApplyTimestampRules,
  HotwordBias,
  type LogitFilter,
  MinimumLength,
  SuppressBlank,
  SuppressTokens,
} from './logit-filters.js';
import { argmax, logSumExp, sample, seededRandom, topK } from './math.js';

/** Seconds per timestamp token: 30 s over 1500 encoder positions. */
export const TIME_PRECISION = 0.02;

export interface WindowDecodeOptions {
  language: string | null;
  task: TranscriptionTask;
  temperature: number;
  /** Maximum sampled tokens. */
  sampleLength: number;
  beamSize?: number | undefined;
  bestOf?: number | undefined;
  patience?: number | undefined;
  lengthPenalty?: number | null | undefined;
  /** Earlier text as tokens (already trimmed to fit). */
  prompt?: readonly number[];
  /** Hotword text given as context in front of the prompt (faster-whisper's way). */
  hotwords?: readonly string[];
  hotwordBoost?: number;
  prefix?: string | undefined;
  suppressBlank: boolean;
  suppressTokens: readonly number[];
  withoutTimestamps: boolean;
  maxInitialTimestamp: number | null;
  minNewTokens?: number;
  random?: () => number;
}

export interface WindowDecodeResult {
  language: string;
  tokens: number[];
  /** Probability of each sampled token under the (filtered) distribution it was drawn from. */
  tokenProbs: number[];
  text: string;
  avgLogprob: number;
  noSpeechProb: number;
  temperature: number;
  compressionRatio: number;
}

/** gzip-style compression ratio of the text, Whisper's repetition detector. */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return bytes.length / deflateSync(bytes).length;
}

/** Expands `-1` into the non-speech tokens and adds the control tokens that are never sampled. */
export function resolveSuppressTokens(
  tokenizer: WhisperTokenizer,
  requested: readonly number[],
): number[] {
  const tokens = new Set(requested.filter((token) => token >= 0));
  if (requested.includes(-1)) for (const token of tokenizer.nonSpeechTokens()) tokens.add(token);
  for (const token of [
    tokenizer.transcribe,
    tokenizer.translate,
    tokenizer.sot,
    tokenizer.sotPrev,
    tokenizer.sotLm,
    tokenizer.noSpeech,
  ]) {
    if (token !== null) tokens.add(token);
  }
  return [...tokens].sort((a, b) => a - b);
}

interface Candidate {
  tokens: number[];
  sumLogprob: number;
  tokenProbs: number[];
}

export class WindowDecoder {
  private readonly nTextCtx: number;

  constructor(
    private readonly runtime: WhisperRuntime,
    private readonly tokenizer: WhisperTokenizer,
  ) {
    this.nTextCtx = runtime.dimensions.nTextCtx;
  }

  /** The tokens fed before sampling starts, and where the start-of-transcript token sits. */
  initialTokens(
    options: WindowDecodeOptions,
    language: string | null,
  ): { tokens: number[]; sotIndex: number } {
    const sotSequence = this.tokenizer.sotSequence(language, options.task);
    if (options.withoutTimestamps) sotSequence.push(this.tokenizer.noTimestamps);
    let tokens = [...sotSequence];
    if (options.prefix) {
      const prefixTokens = this.tokenizer.encode(` ${options.prefix.trim()}`);
      const maxPrefix = Math.floor(this.nTextCtx / 2) - options.sampleLength;
      tokens.push(...(maxPrefix > 0 ? prefixTokens.slice(-maxPrefix) : []));
    }
    const context: number[] = [];
    const hotwordText = (options.hotwords ?? []).join(', ').trim();
    if (hotwordText && !options.prefix) {
      context.push(
        ...this.tokenizer.encode(` ${hotwordText}`).slice(0, Math.floor(this.nTextCtx / 2) - 1),
      );
    }
    if (options.prompt && options.prompt.length > 0) context.push(...options.prompt);
    if (context.length > 0) {
      tokens = [
        this.tokenizer.sotPrev,
        ...context.slice(-(Math.floor(this.nTextCtx / 2) - 1)),
        ...tokens,
      ];
    }
    return { tokens, sotIndex: tokens.indexOf(this.tokenizer.sot) };
  }

  /** Language probabilities from the logits after a lone start-of-transcript token. */
  async detectLanguage(window: EncodedWindow): Promise<Record<string, number>> {
    if (!this.tokenizer.isMultilingual) return { en: 1 };
    const stepper = this.runtime.startDecoder(window, 1);
    try {
      const logits = logitsRow(await stepper.step([[this.tokenizer.sot]]), 0, 0);
      const languageLogits = this.tokenizer.languages.map(({ token }) => logits[token] as number);
      const max = Math.max(...languageLogits);
      const exps = languageLogits.map((value) => Math.exp(value - max));
      const total = exps.reduce((sum, value) => sum + value, 0);
      return Object.fromEntries(
        this.tokenizer.languages.map(({ code }, index) => [code, (exps[index] as number) / total]),
      );
    } finally {
      stepper.dispose();
    }
  }

  private filters(options: WindowDecodeOptions, sampleBegin: number): LogitFilter[] {
    const filters: LogitFilter[] = [];
    if (options.suppressBlank) filters.push(new SuppressBlank(this.tokenizer, sampleBegin));
    if (options.suppressTokens.length > 0) filters.push(new SuppressTokens(options.suppressTokens));
    if ((options.minNewTokens ?? 0) > 0)
      filters.push(new MinimumLength(this.tokenizer.eot, sampleBegin, options.minNewTokens ?? 0));
    if (options.hotwords && options.hotwords.length > 0 && (options.hotwordBoost ?? 0) > 0) {
      filters.push(
        new HotwordBias(this.tokenizer, options.hotwords, sampleBegin, options.hotwordBoost ?? 0),
      );
    }
    if (!options.withoutTimestamps) {
      const index = options.maxInitialTimestamp
        ? Math.round(options.maxInitialTimestamp / TIME_PRECISION)
        : null;
      filters.push(new ApplyTimestampRules(this.tokenizer, sampleBegin, index));
    }
    return filters;
  }

  async decode(
    window: EncodedWindow,
    options: WindowDecodeOptions,
    detectedLanguage: string,
  ): Promise<WindowDecodeResult> {
    const language = options.language ?? detectedLanguage;
    const { tokens: initial, sotIndex } = this.initialTokens(options, language);
    const beam =
      options.temperature === 0 && options.beamSize !== undefined && options.beamSize > 1
        ? options.beamSize
        : 0;
    const group = beam > 0 ? beam : options.temperature > 0 ? Math.max(1, options.bestOf ?? 1) : 1;
    const stepper = this.runtime.startDecoder(window, group);
    const { candidates, noSpeechProbs } = await this.search(
      stepper,
      group,
      initial,
      sotIndex,
      options,
      beam,
    );
    return this.rank(candidates, initial.length, options, language, noSpeechProbs[0] ?? Number.NaN);
  }

  /**
   * Greedy decoding of several independent windows in one batch, one row per window: the cost of
   * a decoder step is shared between windows. The windows get the same initial tokens, so this is
   * for windows decoded without context from each other (no conditioning on previous text).
   */
  async decodeBatch(
    windows: readonly EncodedWindow[],
    options: WindowDecodeOptions,
    detectedLanguage: string,
  ): Promise<WindowDecodeResult[]> {
    if (options.temperature !== 0 || (options.beamSize ?? 1) > 1) {
      throw new Error('batched decoding is greedy: temperature 0 and no beam search');
    }
    const language = options.language ?? detectedLanguage;
    const { tokens: initial, sotIndex } = this.initialTokens(options, language);
    const stepper = this.runtime.startBatchDecoder(windows);
    const { candidates, noSpeechProbs } = await this.search(
      stepper,
      windows.length,
      initial,
      sotIndex,
      options,
      0,
    );
    return candidates.map((candidate, row) =>
      this.rank([candidate], initial.length, options, language, noSpeechProbs[row] ?? Number.NaN),
    );
  }

  /**
   * The decoding loop over `rows` sequences that start from `initial`: greedy or sampled when
   * `beam` is 0, beam search otherwise. Returns the candidates and each row's no-speech
   * probability (read at the start-of-transcript position of the first call).
   */
  private async search(
    stepper: DecoderStepper,
    rows: number,
    initial: readonly number[],
    sotIndex: number,
    options: WindowDecodeOptions,
    beam: number,
  ): Promise<{ candidates: Candidate[]; noSpeechProbs: number[] }> {
    const filters = this.filters(options, initial.length);
    const { eot } = this.tokenizer;
    let noSpeechProbs: number[] = [];
    const finished: Candidate[] = [];
    let live: Candidate[] = Array.from({ length: rows }, () => ({
      tokens: [...initial],
      sumLogprob: 0,
      tokenProbs: [],
    }));
    const maxCandidates = beam > 0 ? Math.max(1, Math.round(beam * (options.patience ?? 1))) : rows;
    const random = options.random ?? Math.random;
    try {
      let feed: number[][] = live.map((candidate) => candidate.tokens);
      for (let step = 0; step < options.sampleLength; step++) {
        const logits = await stepper.step(feed);
        const noSpeech = this.tokenizer.noSpeech;
        if (step === 0 && noSpeech !== null) {
          noSpeechProbs = live.map((_, row) => {
            const atSot = logitsRow(logits, row, sotIndex);
            return Math.exp((atSot[noSpeech] as number) - logSumExp(atSot));
          });
        }
        const filteredRows = live.map((candidate, row) => {
          const filtered = Float32Array.from(logitsRow(logits, row, logits.positions - 1));
          for (const filter of filters) filter.apply(filtered, candidate.tokens);
          return filtered;
        });
        if (beam > 0) {
          const next = this.beamStep(live, filteredRows, beam, finished, maxCandidates);
          if (finished.length >= maxCandidates || next.candidates.length === 0) break;
          stepper.reorder(next.sources);
          live = next.candidates;
        } else {
          for (let row = 0; row < live.length; row++) {
            const candidate = live[row] as Candidate;
            if (candidate.tokens[candidate.tokens.length - 1] === eot) continue;
            const filtered = filteredRows[row] as Float32Array;
            const token =
              options.temperature === 0
                ? argmax(filtered)
                : sample(filtered, options.temperature, random);
            const logprob = (filtered[token] as number) - logSumExp(filtered);
            candidate.tokens.push(token);
            candidate.sumLogprob += logprob;
            candidate.tokenProbs.push(Math.exp(logprob));
          }
          if (live.every((candidate) => candidate.tokens[candidate.tokens.length - 1] === eot))
            break;
        }
        if ((live[0]?.tokens.length ?? 0) > this.nTextCtx) break;
        // Finished rows keep being fed end of text so that every row stays the same length.
        feed = live.map((candidate) => [candidate.tokens[candidate.tokens.length - 1] as number]);
      }
    } finally {
      stepper.dispose();
    }
    return {
      candidates: beam > 0 ? this.finalizeBeams(finished, live, beam) : live,
      noSpeechProbs,
    };
  }

  private beamStep(
    live: Candidate[],
    rows: Float32Array[],
    beam: number,
    finished: Candidate[],
    maxCandidates: number,
  ): { candidates: Candidate[]; sources: number[] } {
    const scored: Array<{ candidate: Candidate; source: number }> = [];
    live.forEach((candidate, row) => {
      const logits = rows[row] as Float32Array;
      const normaliser = logSumExp(logits);
      for (const token of topK(logits, beam + 1)) {
        const logprob = (logits[token] as number) - normaliser;
        scored.push({
          candidate: {
            tokens: [...candidate.tokens, token],
            sumLogprob: candidate.sumLogprob + logprob,
            tokenProbs: [...candidate.tokenProbs, Math.exp(logprob)],
          },
          source: row,
        });
      }
    });
    scored.sort((a, b) => b.candidate.sumLogprob - a.candidate.sumLogprob);
    const candidates: Candidate[] = [];
    const sources: number[] = [];
    const seen = new Set<string>();
    const newlyFinished: Candidate[] = [];
    for (const { candidate, source } of scored) {
      const key = candidate.tokens.join(',');
      if (seen.has(key)) continue; // the same sequence from two beams counts once, as in a dict
      seen.add(key);
      if (candidate.tokens[candidate.tokens.length - 1] === this.tokenizer.eot) {
        newlyFinished.push(candidate);
      } else {
        candidates.push(candidate);
        sources.push(source);
        if (candidates.length === beam) break;
      }
    }
    for (const candidate of newlyFinished) {
      if (finished.length >= maxCandidates) break;
      finished.push(candidate);
    }
    return { candidates, sources };
  }

  /** Adds the best unfinished beams when too few finished, as `BeamSearchDecoder.finalize`. */
  private finalizeBeams(finished: Candidate[], live: Candidate[], beam: number): Candidate[] {
    const all = [...finished];
    if (all.length < beam) {
      for (const candidate of [...live].sort((a, b) => b.sumLogprob - a.sumLogprob)) {
        all.push({ ...candidate, tokens: [...candidate.tokens, this.tokenizer.eot] });
        if (all.length >= beam) break;
      }
    }
    return all;
  }

  private rank(
    candidates: Candidate[],
    sampleBegin: number,
    options: WindowDecodeOptions,
    language: string,
    noSpeechProb: number,
  ): WindowDecodeResult {
    const { eot } = this.tokenizer;
    const trimmed = candidates.map((candidate) => {
      const sampled = candidate.tokens.slice(sampleBegin);
      const end = sampled.indexOf(eot);
      const tokens = end < 0 ? sampled : sampled.slice(0, end);
      return {
        tokens,
        tokenProbs: candidate.tokenProbs.slice(0, tokens.length),
        sumLogprob: candidate.sumLogprob,
      };
    });
    const penalty = options.lengthPenalty;
    const score = (entry: (typeof trimmed)[number]) => {
      const length = entry.tokens.length;
      const divisor =
        penalty === null || penalty === undefined ? length : ((5 + length) / 6) ** penalty;
      return entry.sumLogprob / (divisor || 1);
    };
    let best = trimmed[0] as (typeof trimmed)[number];
    for (const entry of trimmed) if (score(entry) > score(best)) best = entry;
    const text = this.tokenizer.decode(best.tokens).trim();
    return {
      language,
      tokens: best.tokens,
      tokenProbs: best.tokenProbs,
      text,
      avgLogprob: best.sumLogprob / (best.tokens.length + 1),
      noSpeechProb,
      temperature: options.temperature,
      compressionRatio: compressionRatio(text),
    };
  }
}

export { seededRandom };
