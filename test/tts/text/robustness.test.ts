import { describe, expect, it } from 'vitest';
import { prepareText } from '../../../src/tts/text/prepare.js';

/** A seeded generator, so the hostile text is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function hostileText(length: number, seed: number): string {
  const next = random(seed);
  const symbols = ' 0123456789.,:;-–%$€£zł@#*_~`[]()<>/\\&"\'!?…\n\t';
  const letters = 'abcxyz ABC ąęłóżźń ÄÖÜ ß 你好 こんにちは';
  let text = '';
  while (text.length < length) {
    const pick = next();
    if (pick < 0.25) text += String.fromCharCode(Math.floor(next() * 0x10000));
    else if (pick < 0.45) text += String.fromCodePoint(Math.floor(next() * 0x110000));
    else if (pick < 0.7) text += symbols[Math.floor(next() * symbols.length)];
    else text += letters[Math.floor(next() * letters.length)];
  }
  return text;
}

const ADVERSARIAL = [
  '1'.repeat(20_000),
  '1,'.repeat(10_000),
  '1 '.repeat(10_000),
  '.'.repeat(20_000),
  `${'a'.repeat(20_000)}@`,
  '<'.repeat(20_000),
  '<a '.repeat(8_000),
  `${'['.repeat(8_000)}${']('.repeat(8_000)}`,
  '*_'.repeat(10_000),
  '&#'.repeat(10_000),
  `http://${'a'.repeat(20_000)}`,
  'a.'.repeat(10_000),
  'Dr. '.repeat(5_000),
  `${'-'.repeat(20_000)}x`,
  '\ud800'.repeat(20_000),
  '12:'.repeat(6_000),
  '$1.'.repeat(6_000),
  '15 marca '.repeat(5_000),
  '# '.repeat(10_000),
  '😀'.repeat(10_000),
];

function checkSegments(segments: string[], maxChars: number): void {
  for (const segment of segments) {
    expect(segment.length).toBeGreaterThan(0);
    expect(segment.length).toBeLessThanOrEqual(maxChars);
    expect(segment).toMatch(/[\p{L}\p{N}]/u);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left.
    expect(segment).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(segment).not.toMatch(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
    );
  }
}

describe('text front-end on hostile input', () => {
  it.each([
    ['en', 300_000],
    ['pl', 300_000],
    ['de', 100_000],
  ])(
    'turns random Unicode (%s, %i characters) into bounded, speakable segments',
    (language, length) => {
      const segments = prepareText(hostileText(length, 7), { language, maxSegmentChars: 300 });
      expect(segments.length).toBeGreaterThan(100);
      checkSegments(segments, 300);
    },
  );

  it('survives pathological repetitions of digits, dots, markup and surrogates', () => {
    for (const language of ['en', 'pl']) {
      for (const text of ADVERSARIAL) {
        checkSegments(prepareText(text, { language, maxSegmentChars: 200 }), 200);
      }
    }
  });

  it('gives no segments for text with nothing to speak', () => {
    expect(prepareText('  🙂👍 … <br> *** \u200b ', { language: 'en' })).toEqual([]);
  });
});
