import { describe, expect, test } from 'vitest';
import type { LiveEventPayload } from '../../src/stream/events.js';
import { Fusion } from '../../src/stream/fusion.js';
import { LocalAgreement } from '../../src/stream/local-agreement.js';
import { alignCommitToDraft } from '../../src/stream/word-alignment.js';
import { type HypothesisWord, wordsAfterCommit } from '../../src/stream/words.js';

/** Words from "text@start" specs, 0.3 s long each, or laid out from `from` every 0.4 s. */
function words(text: string, from = 0): HypothesisWord[] {
  return text
    .split(' ')
    .filter(Boolean)
    .map((word, index) => ({
      text: ` ${word}`,
      start: from + index * 0.4,
      end: from + index * 0.4 + 0.3,
      probability: 0.9,
    }));
}

const ofType = <T extends LiveEventPayload['type']>(events: LiveEventPayload[], type: T) =>
  events.filter((event): event is Extract<LiveEventPayload, { type: T }> => event.type === type);

describe('LocalAgreement', () => {
  test('with n = 2 it commits the prefix two successive hypotheses share, and only once', () => {
    const agreement = new LocalAgreement(2);
    expect(agreement.insert(words('the cat'))).toEqual([]);
    expect(agreement.insert(words('the cat sat')).map((w) => w.text)).toEqual([' the', ' cat']);
    // The committed words are gone from the remembered hypothesis: next time only "sat on" is new.
    expect(agreement.insert(words('sat on', 0.8)).map((w) => w.text)).toEqual([' sat']);
  });

  test('with n = 3 it waits for three hypotheses to agree, and n = 1 commits at once', () => {
    const three = new LocalAgreement(3);
    expect(three.insert(words('a b c'))).toEqual([]);
    expect(three.insert(words('a b x'))).toEqual([]);
    expect(three.insert(words('a y x')).map((w) => w.text)).toEqual([' a']);
    expect(new LocalAgreement(1).insert(words('a b')).map((w) => w.text)).toEqual([' a', ' b']);
  });

  test('case and punctuation do not count as disagreement', () => {
    const agreement = new LocalAgreement(2);
    agreement.insert(words('hello world'));
    expect(agreement.insert(words('Hello, world.')).map((w) => w.text)).toEqual([
      ' Hello,',
      ' world.',
    ]);
  });
});

describe('words after the commit cursor', () => {
  test('words before the cursor and a repeated n-gram of the committed tail are dropped', () => {
    const committed = words('so we went to the');
    const hypothesis = [...words('to the', 1.6), ...words('park today', 2.4)];
    // "to the" starts at 1.6 ≥ cursor − 0.1, but repeats the committed tail: dropped as an n-gram.
    expect(wordsAfterCommit(hypothesis, 1.7, committed).map((w) => w.text)).toEqual([
      ' park',
      ' today',
    ]);
    expect(wordsAfterCommit(words('a b c d'), 0.75, []).map((w) => w.text)).toEqual([' c', ' d']);
  });
});

describe('commit-to-draft alignment', () => {
  test('the committed words take the draft prefix that fits best, ties broken by time', () => {
    const draft = words('the cap sat on');
    const match = alignCommitToDraft(words('the cat'), draft, 0);
    expect(match.draftUsed).toBe(2);
    expect(match.steps.map((step) => step.kind)).toEqual(['match', 'replace']);
    // All-wrong drafts: the alignment ending nearest the last committed word in time wins.
    const far = alignCommitToDraft(words('x y'), words('p q r'), 0);
    expect(far.draftUsed).toBe(2);
  });
});

describe('fusion', () => {
  test('drafts are shown with the last word held back, and confirmed when the confirm pass agrees', () => {
    const fusion = new Fusion({ holdBack: 1 });
    fusion.beginUtterance(0, 0);
    const first = fusion.onDraft(0, words('the cat sat'));
    expect(ofType(first, 'token').map((e) => [e.id, e.text])).toEqual([
      ['spk_0_a0', ' the'],
      ['spk_0_a1', ' cat'],
    ]);
    expect(fusion.onConfirm(0, words('the cat sat'))).toEqual([]);
    const second = fusion.onConfirm(1, words('the cat sat on'));
    expect(second.map((e) => e.type)).toEqual(['confirm', 'confirm', 'diff']);
    expect(ofType(second, 'confirm').map((e) => e.id)).toEqual(['spk_0_a0', 'spk_0_a1']);
    // "sat" was never shown as a draft: it arrives confirmed, through a diff that replaces nothing.
    expect(ofType(second, 'diff')[0]).toMatchObject({ replaced: [], draft: '', confirmed: ' sat' });
    expect(fusion.commitCursor).toBeCloseTo(1.1);
  });

  test('a wrong draft word is corrected with a diff carrying both texts', () => {
    const fusion = new Fusion({ holdBack: 0 });
    fusion.beginUtterance(0, 0);
    fusion.onDraft(0, words('the cap sat'));
    fusion.onConfirm(0, words('the cat sat'));
    const events = fusion.onConfirm(1, words('the cat sat'));
    expect(events.map((e) => e.type)).toEqual(['confirm', 'diff', 'confirm']);
    const diff = ofType(events, 'diff')[0];
    expect(diff).toMatchObject({ replaced: ['spk_0_a1'], draft: ' cap', confirmed: ' cat' });
    expect(diff?.tokens.map((t) => t.id)).toEqual(['spk_0_a3']);
  });

  test('a new draft withdraws only the words after the first difference', () => {
    const fusion = new Fusion({ holdBack: 0 });
    fusion.beginUtterance(0, 0);
    fusion.onDraft(0, words('i scream for'));
    const events = fusion.onDraft(1, words('i screamed for ice'));
    expect(events[0]).toMatchObject({
      type: 'backtrack',
      pass: 'draft',
      after: 'spk_0_a0',
      ids: ['spk_0_a1', 'spk_0_a2'],
    });
    expect(ofType(events, 'token').map((e) => e.text)).toEqual([' screamed', ' for', ' ice']);
    // An unchanged draft changes nothing.
    expect(fusion.onDraft(2, words('i screamed for ice'))).toEqual([]);
  });

  test('more hold-back hides more of the draft', () => {
    for (const [holdBack, shown] of [
      [0, 4],
      [1, 3],
      [3, 1],
    ] as const) {
      const fusion = new Fusion({ holdBack });
      fusion.beginUtterance(0, 0);
      expect(ofType(fusion.onDraft(0, words('one two three four')), 'token')).toHaveLength(shown);
    }
  });

  test('a final commits everything, withdraws the drafts past it and closes the segment', () => {
    const fusion = new Fusion({ holdBack: 0 });
    fusion.beginUtterance(3, 0);
    fusion.onDraft(0, words('hello there world again'));
    const events = fusion.onConfirm(0, words('hello there'), { final: true });
    expect(events.map((e) => e.type)).toEqual(['confirm', 'confirm', 'backtrack']);
    expect(events.at(-1)).toMatchObject({ pass: 'confirm', ids: ['spk_0_a2', 'spk_0_a3'] });
    const [final] = fusion.finishSegment(0, 'endpoint');
    expect(final).toMatchObject({
      type: 'final',
      utterance: 3,
      reason: 'endpoint',
      ids: ['spk_0_a0', 'spk_0_a1'],
      text: ' hello there',
      start: 0,
      end: 0.7,
    });
    expect(fusion.finishSegment(1, 'endpoint')).toEqual([]);
    expect(fusion.sizes).toEqual({ confirmed: 0, draft: 0, history: 0 });
  });

  test('when the buffer is full, words before the limit are committed without agreement', () => {
    const fusion = new Fusion({ agreement: 2 });
    fusion.beginUtterance(0, 0);
    const events = fusion.onConfirm(0, words('a b c d'), { forceBefore: 0.8 });
    expect(ofType(events, 'diff').flatMap((e) => e.tokens.map((t) => t.text))).toEqual([
      ' a',
      ' b',
    ]);
  });

  test('the prompt of a pass is the committed text before its audio, cut to the last characters', () => {
    const fusion = new Fusion({ contextChars: 12, agreement: 1 });
    fusion.beginUtterance(0, 0);
    fusion.onConfirm(0, words('one two three four'));
    expect(fusion.promptBefore(2)).toBe('three four');
    // A pass whose audio starts at 0.9 s transcribes "three four" again: they are not its prompt.
    expect(fusion.promptBefore(0.9)).toBe('one two');
    expect(fusion.promptBefore(0)).toBe('');
  });
});
