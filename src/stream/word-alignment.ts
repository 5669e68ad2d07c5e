/**
 * Aligns newly committed words with the front of the draft words still shown, so that fusion
 * can say which drafts were right (`confirm`) and which were replaced (`diff`). The committed
 * words must all be aligned; the drafts only up to the point that fits best (drafts may run
 * past what was committed). Among equally cheap alignments the one whose last draft word ends
 * closest in time to the last committed word wins.
 */
import { type HypothesisWord, sameWord } from './words.js';

export type AlignmentStep =
  /** `committed[c]` and `draft[d]` are the same word. */
  | { kind: 'match'; c: number; d: number }
  /** `committed[c]` replaces `draft[d]`. */
  | { kind: 'replace'; c: number; d: number }
  /** `committed[c]` has no draft counterpart. */
  | { kind: 'insert'; c: number }
  /** `draft[d]` has no committed counterpart. */
  | { kind: 'delete'; d: number };

export interface PrefixAlignment {
  steps: AlignmentStep[];
  /** How many draft words the committed words account for. */
  draftUsed: number;
}

export function alignCommitToDraft(
  committed: readonly HypothesisWord[],
  draft: readonly HypothesisWord[],
  commitStart: number,
): PrefixAlignment {
  const m = committed.length;
  const n = draft.length;
  const width = n + 1;
  // Edit distance between committed[0, i) and draft[0, j).
  const cost = new Int32Array((m + 1) * width);
  for (let j = 0; j <= n; j++) cost[j] = j;
  for (let i = 1; i <= m; i++) {
    cost[i * width] = i;
    for (let j = 1; j <= n; j++) {
      const same = sameWord(committed[i - 1] as HypothesisWord, draft[j - 1] as HypothesisWord);
      cost[i * width + j] = Math.min(
        (cost[(i - 1) * width + j - 1] as number) + (same ? 0 : 1),
        (cost[(i - 1) * width + j] as number) + 1,
        (cost[i * width + j - 1] as number) + 1,
      );
    }
  }
  const lastEnd = committed[m - 1]?.end ?? commitStart;
  let best = 0;
  for (let j = 1; j <= n; j++) {
    const current = cost[m * width + j] as number;
    const bestCost = cost[m * width + best] as number;
    if (current > bestCost) continue;
    const distance = Math.abs((draft[j - 1] as HypothesisWord).end - lastEnd);
    const bestDistance = Math.abs(
      (best === 0 ? commitStart : (draft[best - 1] as HypothesisWord).end) - lastEnd,
    );
    if (current < bestCost || distance < bestDistance) best = j;
  }
  const steps: AlignmentStep[] = [];
  let i = m;
  let j = best;
  while (i > 0 || j > 0) {
    const here = cost[i * width + j] as number;
    if (i > 0 && j > 0) {
      const same = sameWord(committed[i - 1] as HypothesisWord, draft[j - 1] as HypothesisWord);
      if (here === (cost[(i - 1) * width + j - 1] as number) + (same ? 0 : 1)) {
        steps.push({ kind: same ? 'match' : 'replace', c: i - 1, d: j - 1 });
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === (cost[(i - 1) * width + j] as number) + 1) {
      steps.push({ kind: 'insert', c: i - 1 });
      i--;
    } else {
      steps.push({ kind: 'delete', d: j - 1 });
      j--;
    }
  }
  return { steps: steps.reverse(), draftUsed: best };
}
