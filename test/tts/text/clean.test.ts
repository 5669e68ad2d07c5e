import { describe, expect, it } from 'vitest';
import { chunkSentence } from '../../../src/tts/text/chunk.js';
import { cleanText } from '../../../src/tts/text/clean.js';

describe('text cleaning', () => {
  it('removes HTML tags, scripts and comments, decodes entities and breaks blocks', () => {
    const html =
      '<p>Hello <b>world</b> &amp; friends&nbsp;&#8230;</p><!-- note --><script>alert(1)</script><p>Bye&#x21;</p>';
    expect(cleanText(html)).toEqual(['Hello world & friends …', 'Bye!']);
  });

  it('keeps the text of Markdown links, images, emphasis, headings, lists and tables', () => {
    const markdown = [
      '# The *title*',
      '',
      'Some **bold** and _italic_ text with a [link](https://example.com "x")',
      'and an ![image of a cat](cat.png) and `code`.',
      '',
      '- first item',
      '2. second item',
      '> quoted ~~text~~',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '---',
      '```js',
      'Code line.',
      '```',
    ].join('\n');
    expect(cleanText(markdown)).toEqual([
      'The title',
      'Some bold and italic text with a link and an image of a cat and code.',
      'first item',
      'second item',
      'quoted text',
      ', a , b ,',
      ', 1 , 2 ,',
      'Code line.',
    ]);
  });

  it('removes emoji, invisible and control characters and lone surrogates', () => {
    expect(cleanText('Hi 👋🏽 there\u200b\u0007 🇵🇱 👨‍👩‍👧 ok\ud800 now\u202e!')).toEqual([
      'Hi there ok now!',
    ]);
  });

  it('joins wrapped lines into one paragraph and separates paragraphs at blank lines', () => {
    expect(cleanText('First line\nwraps here.\r\n\r\nSecond paragraph.')).toEqual([
      'First line wraps here.',
      'Second paragraph.',
    ]);
  });
});

describe('chunking long sentences', () => {
  it('keeps a short sentence whole', () => {
    expect(chunkSentence('A short one.', 50)).toEqual(['A short one.']);
  });

  it('splits at clauses first, packing as many as fit', () => {
    const sentence = 'First clause here, second clause here; third clause here: and the end.';
    const chunks = chunkSentence(sentence, 40);
    expect(chunks).toEqual([
      'First clause here, second clause here;',
      'third clause here: and the end.',
    ]);
  });

  it('splits a long clause between words, and a giant word by characters without breaking pairs', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    for (const chunk of chunkSentence(words, 25)) expect(chunk.length).toBeLessThanOrEqual(25);
    expect(chunkSentence(words, 25).join(' ')).toBe(words);
    const giant = '😀'.repeat(30);
    const pieces = chunkSentence(giant, 11);
    expect(pieces.join('')).toBe(giant);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(11);
      expect(piece).not.toMatch(/[\ud800-\udbff]$/);
    }
  });
});
