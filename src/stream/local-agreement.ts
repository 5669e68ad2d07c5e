/**
 * LocalAgreement-n (Polák et al. 2022, as used by whisper_streaming): a word is committed once
 * the last `n` hypotheses of the confirm pass all agree on it and on every word before it. With
 * n = 2 the current hypothesis is compared with the previous one; n = 1 commits every hypothesis
 * as it comes.
 */
import { type HypothesisWord, sameWord } from './words.js';

export class LocalAgreement {
  /** The uncommitted words of the last n − 1 hypotheses, oldest first. */
  private history: HypothesisWord[][] = [];

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`agreement must be ≥ 1, got ${n}`);
  }

  /**
   * Adds the uncommitted words of a new hypothesis and returns the prefix that is now agreed
   * (words of the new hypothesis, so its timings), which the caller commits.
   */
  insert(words: readonly HypothesisWord[]): HypothesisWord[] {
    const all = [...this.history, [...words]];
    if (all.length < this.n) {
      this.history = all;
      return [];
    }
    const considered = all.slice(-this.n);
    let agreed = 0;
    while (
      agreed < words.length &&
      considered.every((hypothesis) => {
        const word = hypothesis[agreed];
        return word !== undefined && sameWord(word, words[agreed] as HypothesisWord);
      })
    ) {
      agreed++;
    }
    // The agreed words are a prefix of every kept hypothesis: drop them from each.
    this.history = considered.slice(1).map((hypothesis) => hypothesis.slice(agreed));
    return words.slice(0, agreed);
  }

  /** Forgets earlier hypotheses (a new utterance, or audio they describe was discarded). */
  reset(): void {
    this.history = [];
  }

  /** Words held in memory, for boundedness checks. */
  get size(): number {
    return this.history.reduce((sum, hypothesis) => sum + hypothesis.length, 0);
  }
}
