import { describe, expect, it } from 'vitest';
import { english } from '../../../src/tts/text/english.js';
import { polish } from '../../../src/tts/text/polish.js';
import { splitSentences } from '../../../src/tts/text/sentences.js';

describe('sentence splitting', () => {
  it('splits at full stops, question and exclamation marks followed by a new sentence', () => {
    expect(splitSentences('One. Two? Three! "Four." Five…  Six', english)).toEqual([
      'One.',
      'Two?',
      'Three!',
      '"Four."',
      'Five…',
      'Six',
    ]);
  });

  it('does not split after abbreviations that never end a sentence, or after initials', () => {
    expect(splitSentences('Dr. Smith met Mr. J. R. Jones. They talked.', english)).toEqual([
      'Dr. Smith met Mr. J. R. Jones.',
      'They talked.',
    ]);
    expect(splitSentences('Kupiłem np. Jabłka od prof. Nowaka. Potem wyszedłem.', polish)).toEqual([
      'Kupiłem np. Jabłka od prof. Nowaka.',
      'Potem wyszedłem.',
    ]);
  });

  it('splits after an abbreviation that can end a sentence when a capital follows', () => {
    expect(splitSentences('Jabłka, gruszki itd. Potem śliwki.', polish)).toEqual([
      'Jabłka, gruszki itd.',
      'Potem śliwki.',
    ]);
    expect(splitSentences('Apples, pears etc. and plums.', english)).toEqual([
      'Apples, pears etc. and plums.',
    ]);
    expect(splitSentences('Invoice No. 5 is late. No. It is not.', english)).toEqual([
      'Invoice No. 5 is late.',
      'No.',
      'It is not.',
    ]);
  });

  it('does not split inside numbers, web addresses or before a lower-case word', () => {
    expect(splitSentences('It costs 3.50 at example.com today. ok. fine', english)).toEqual([
      'It costs 3.50 at example.com today. ok. fine',
    ]);
  });

  it('splits Chinese and Japanese text at their full stops without spaces', () => {
    expect(splitSentences('你好。我很好！谢谢？', null)).toEqual(['你好。', '我很好！', '谢谢？']);
  });
});
