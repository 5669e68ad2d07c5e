/**
 * Fusion of the draft and confirm passes with two cursors. The commit cursor sits after the last
 * confirmed word: what lies before it never changes. The draft cursor sits after the last draft
 * word shown: drafts between the two cursors are provisional. A confirm hypothesis commits the
 * prefix LocalAgreement-n agrees on; the committed words are aligned with the drafts they cover,
 * which become `confirm` (same word) or `diff` (replaced) events. A draft hypothesis replaces the
 * drafts from the first word where it disagrees (`backtrack`, then `token`), keeping back its last
 * `holdBack` words because the last word of a window is the one most often cut short.
 *
 * Fusion produces event payloads; the session stamps and emits them.
 */
import { alignmentId, type LiveEventPayload, type LiveToken, type TokenEvent } from './events.js';
import { LocalAgreement } from './local-agreement.js';
import { alignCommitToDraft } from './word-alignment.js';
import { type HypothesisWord, joinWords, sameWord, wordsAfterCommit } from './words.js';

export interface FusionOptions {
  /** Speaker index used in alignment ids. Default 0. */
  speaker?: number;
  /** Hypotheses of the confirm pass that must agree before a word is committed. Default 2. */
  agreement?: number;
  /** Trailing draft words withheld from display: more means less flicker, more latency. Default 1. */
  holdBack?: number;
  /** Characters of committed text kept as context for the next passes. Default 200. */
  contextChars?: number;
}

export interface ConfirmOptions {
  /** Commit every word of the hypothesis (the utterance or input has ended). */
  final?: boolean;
  /**
   * Commit, past what agreement gives, every word ending by this time: used when the buffer is
   * full and agreement has not come, so memory and compute stay bounded.
   */
  forceBefore?: number | null;
}

type ShownToken = LiveToken & HypothesisWord;

/** How many committed words are remembered to recognise text a new window repeats. */
const TAIL_WORDS = 5;
/** How many committed words are kept for prompts (more than 200 characters' worth). */
const RECENT_WORDS = 100;

export class Fusion {
  readonly speaker: number;
  readonly holdBack: number;
  private readonly contextChars: number;
  private readonly agreement: LocalAgreement;
  private sequence = 0;
  private utterance = 0;
  /** Confirmed words of the current segment, not yet final. */
  private confirmed: ShownToken[] = [];
  /** Draft words shown after the commit cursor. */
  private draft: ShownToken[] = [];
  private committedEnd = 0;
  private committedTail: HypothesisWord[] = [];
  private lastConfirmedId: string | null = null;
  /** The most recent committed words, for the prompts of later passes. */
  private recent: HypothesisWord[] = [];

  constructor(options: FusionOptions = {}) {
    this.speaker = options.speaker ?? 0;
    this.holdBack = options.holdBack ?? 1;
    this.contextChars = options.contextChars ?? 200;
    this.agreement = new LocalAgreement(options.agreement ?? 2);
    if (!(Number.isInteger(this.holdBack) && this.holdBack >= 0)) {
      throw new RangeError(`holdBack must be a non-negative integer, got ${this.holdBack}`);
    }
  }

  /** Audio time of the commit cursor, in seconds. */
  get commitCursor(): number {
    return this.committedEnd;
  }

  /**
   * The last `contextChars` of committed text that ends by `time`, cut at a word boundary: the
   * prompt of a pass whose audio starts at `time`. Committed words inside the pass's own audio
   * are left out (as whisper_streaming does): the pass transcribes them again.
   */
  promptBefore(time: number): string {
    let text = '';
    for (let index = this.recent.length - 1; index >= 0; index--) {
      const word = this.recent[index] as HypothesisWord;
      if (word.end > time + 1e-6) continue;
      if (text.length + word.text.length > this.contextChars) break;
      text = word.text + text;
    }
    return text.trim();
  }

  /** Sizes of what fusion holds, for boundedness checks. */
  get sizes(): { confirmed: number; draft: number; history: number } {
    return {
      confirmed: this.confirmed.length,
      draft: this.draft.length,
      history: this.agreement.size,
    };
  }

  /** Starts an utterance at `start` seconds; the previous one must have been finished. */
  beginUtterance(utterance: number, start: number): void {
    this.utterance = utterance;
    this.committedEnd = Math.max(this.committedEnd, start);
    this.committedTail = [];
    this.lastConfirmedId = null;
    this.agreement.reset();
  }

  /** Takes a draft pass's words; returns `backtrack` and `token` payloads. */
  onDraft(window: number, words: readonly HypothesisWord[]): LiveEventPayload[] {
    const fresh = wordsAfterCommit(words, this.committedEnd, this.committedTail);
    const shown = fresh.slice(0, Math.max(0, fresh.length - this.holdBack));
    let kept = 0;
    while (kept < this.draft.length && kept < shown.length) {
      if (!sameWord(this.draft[kept] as ShownToken, shown[kept] as HypothesisWord)) break;
      kept++;
    }
    const events = this.withdraw('draft', window, kept);
    for (const word of shown.slice(kept)) {
      const token = this.newToken(word);
      this.draft.push(token);
      events.push({
        type: 'token',
        utterance: this.utterance,
        window,
        ...publicToken(token),
      } satisfies Omit<TokenEvent, 'v' | 'seq' | 'wallMs'>);
    }
    return events;
  }

  /** Takes a confirm pass's words; returns `confirm`, `diff` and (when final) `backtrack` payloads. */
  onConfirm(
    window: number,
    words: readonly HypothesisWord[],
    options: ConfirmOptions = {},
  ): LiveEventPayload[] {
    const fresh = wordsAfterCommit(words, this.committedEnd, this.committedTail);
    let commit: HypothesisWord[];
    if (options.final) {
      commit = fresh;
      this.agreement.reset();
    } else {
      commit = this.agreement.insert(fresh);
      const forceBefore = options.forceBefore;
      if (forceBefore !== null && forceBefore !== undefined) {
        let extra = commit.length;
        while (extra < fresh.length && (fresh[extra] as HypothesisWord).end <= forceBefore) extra++;
        if (extra > commit.length) {
          commit = fresh.slice(0, extra);
          this.agreement.reset();
        }
      }
    }
    const events = this.commit(window, commit);
    if (options.final) events.push(...this.withdraw('confirm', window, 0));
    return events;
  }

  /**
   * Moves the commit cursor to `time` although no words were committed up to there (the audio
   * before it is being discarded): drafts starting before it are withdrawn.
   */
  advanceTo(window: number, time: number): LiveEventPayload[] {
    if (time <= this.committedEnd) return [];
    this.committedEnd = time;
    this.agreement.reset();
    // Drafts can only be withdrawn from the end, so all go if the first one is too early.
    const first = this.draft[0];
    return first && first.start < time ? this.withdraw('confirm', window, 0) : [];
  }

  /** Closes the segment: its confirmed words become one `final`. */
  finishSegment(window: number, reason: 'endpoint' | 'segment' | 'end'): LiveEventPayload[] {
    const words = this.confirmed;
    const first = words[0];
    const last = words.at(-1);
    if (!first || !last) return [];
    this.confirmed = [];
    return [
      {
        type: 'final',
        utterance: this.utterance,
        speaker: this.speaker,
        window,
        reason,
        ids: words.map((word) => word.id),
        text: joinWords(words),
        start: first.start,
        end: last.end,
      },
    ];
  }

  private commit(window: number, words: readonly HypothesisWord[]): LiveEventPayload[] {
    const last = words.at(-1);
    if (!last) return [];
    const { steps, draftUsed } = alignCommitToDraft(words, this.draft, this.committedEnd);
    const events: LiveEventPayload[] = [];
    let replaced: ShownToken[] = [];
    let added: ShownToken[] = [];
    const flush = () => {
      if (replaced.length === 0 && added.length === 0) return;
      events.push({
        type: 'diff',
        utterance: this.utterance,
        window,
        replaced: replaced.map((token) => token.id),
        draft: joinWords(replaced),
        confirmed: joinWords(added),
        tokens: added.map(publicToken),
      });
      replaced = [];
      added = [];
    };
    for (const step of steps) {
      const draft = 'd' in step ? (this.draft[step.d] as ShownToken) : null;
      const word = 'c' in step ? (words[step.c] as HypothesisWord) : null;
      if (step.kind === 'match' && draft && word && draft.text === word.text) {
        flush();
        const token: ShownToken = { ...word, id: draft.id, confidence: word.probability };
        this.confirmed.push(token);
        this.lastConfirmedId = token.id;
        events.push({
          type: 'confirm',
          utterance: this.utterance,
          window,
          ...publicToken(token),
        });
        continue;
      }
      if (draft) replaced.push(draft);
      if (word) {
        const token = this.newToken(word);
        added.push(token);
        this.confirmed.push(token);
        this.lastConfirmedId = token.id;
      }
    }
    flush();
    this.draft = this.draft.slice(draftUsed);
    this.committedEnd = Math.max(this.committedEnd, last.end);
    this.committedTail = [...this.committedTail, ...words].slice(-TAIL_WORDS);
    this.recent = [...this.recent, ...words].slice(-RECENT_WORDS);
    return events;
  }

  /** Withdraws the drafts from index `from` on. */
  private withdraw(pass: 'draft' | 'confirm', window: number, from: number): LiveEventPayload[] {
    if (from >= this.draft.length) return [];
    const gone = this.draft.slice(from);
    this.draft = this.draft.slice(0, from);
    return [
      {
        type: 'backtrack',
        utterance: this.utterance,
        pass,
        window,
        after: this.draft.at(-1)?.id ?? this.lastConfirmedId,
        ids: gone.map((token) => token.id),
      },
    ];
  }

  private newToken(word: HypothesisWord): ShownToken {
    return {
      ...word,
      id: alignmentId(this.speaker, this.sequence++),
      confidence: word.probability,
    };
  }
}

function publicToken(token: ShownToken): LiveToken {
  return {
    id: token.id,
    text: token.text,
    start: round(token.start),
    end: round(token.end),
    confidence: round(token.confidence, 4),
  };
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
