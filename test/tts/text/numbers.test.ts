import { describe, expect, it } from 'vitest';
import { cardinalEn, ordinalEn, yearEn } from '../../../src/tts/text/numbers-en.js';
import { cardinalPl, countFormPl, ordinalPl } from '../../../src/tts/text/numbers-pl.js';

describe('English numbers', () => {
  it.each([
    [0, 'zero'],
    [7, 'seven'],
    [13, 'thirteen'],
    [21, 'twenty-one'],
    [100, 'one hundred'],
    [101, 'one hundred one'],
    [999, 'nine hundred ninety-nine'],
    [1000, 'one thousand'],
    [1_000_001, 'one million one'],
    [2_500_000, 'two million five hundred thousand'],
    [
      999_999_999_999_999,
      'nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine',
    ],
  ])('reads %i as "%s"', (n, words) => {
    expect(cardinalEn(n)).toBe(words);
  });

  it.each([
    [1, 'first'],
    [2, 'second'],
    [3, 'third'],
    [5, 'fifth'],
    [8, 'eighth'],
    [9, 'ninth'],
    [12, 'twelfth'],
    [20, 'twentieth'],
    [21, 'twenty-first'],
    [100, 'one hundredth'],
    [103, 'one hundred third'],
  ])('reads ordinal %i as "%s"', (n, words) => {
    expect(ordinalEn(n)).toBe(words);
  });

  it.each([
    [1066, 'ten sixty-six'],
    [1900, 'nineteen hundred'],
    [1905, 'nineteen oh five'],
    [1999, 'nineteen ninety-nine'],
    [2000, 'two thousand'],
    [2008, 'two thousand eight'],
    [2010, 'twenty ten'],
    [2024, 'twenty twenty-four'],
  ])('reads year %i as "%s"', (year, words) => {
    expect(yearEn(year)).toBe(words);
  });
});

describe('Polish numbers', () => {
  it.each([
    [0, 'zero'],
    [1, 'jeden'],
    [2, 'dwa'],
    [11, 'jedenaście'],
    [21, 'dwadzieścia jeden'],
    [22, 'dwadzieścia dwa'],
    [100, 'sto'],
    [215, 'dwieście piętnaście'],
    [1000, 'tysiąc'],
    [1001, 'tysiąc jeden'],
    [2000, 'dwa tysiące'],
    [5000, 'pięć tysięcy'],
    [12_000, 'dwanaście tysięcy'],
    [21_000, 'dwadzieścia jeden tysięcy'],
    [22_000, 'dwadzieścia dwa tysiące'],
    [25_000, 'dwadzieścia pięć tysięcy'],
    [1_000_000, 'milion'],
    [2_000_000, 'dwa miliony'],
    [5_000_000, 'pięć milionów'],
    [1_234_567, 'milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt siedem'],
    [3_000_000_000, 'trzy miliardy'],
  ])('reads %i in the nominative as "%s"', (n, words) => {
    expect(cardinalPl(n)).toBe(words);
  });

  it('makes 1 and 2 agree with a feminine noun, but not inside larger numbers', () => {
    expect(cardinalPl(1, 'f')).toBe('jedna');
    expect(cardinalPl(1, 'n')).toBe('jedno');
    expect(cardinalPl(2, 'f')).toBe('dwie');
    expect(cardinalPl(22, 'f')).toBe('dwadzieścia dwie');
    expect(cardinalPl(21, 'f')).toBe('dwadzieścia jeden');
    expect(cardinalPl(2002, 'f')).toBe('dwa tysiące dwie');
  });

  it.each([
    [1, 'one'],
    [2, 'few'],
    [4, 'few'],
    [5, 'many'],
    [12, 'many'],
    [14, 'many'],
    [21, 'many'],
    [22, 'few'],
    [112, 'many'],
    [124, 'few'],
    [0, 'many'],
  ] as const)('counts %i with the "%s" noun form', (n, form) => {
    expect(countFormPl(n)).toBe(form);
  });

  it.each([
    [1, 'nomM', 'pierwszy'],
    [2, 'genM', 'drugiego'],
    [3, 'nomF', 'trzecia'],
    [15, 'genM', 'piętnastego'],
    [24, 'locM', 'dwudziestym czwartym'],
    [100, 'nomM', 'setny'],
    [1900, 'genM', 'tysiąc dziewięćsetnego'],
    [1999, 'genM', 'tysiąc dziewięćset dziewięćdziesiątego dziewiątego'],
    [2000, 'genM', 'dwutysięcznego'],
    [2024, 'genM', 'dwa tysiące dwudziestego czwartego'],
    [14, 'genF', 'czternastej'],
    [10, 'insF', 'dziesiątą'],
    [2, 'insF', 'drugą'],
  ] as const)('reads ordinal %i (%s) as "%s"', (n, form, words) => {
    expect(ordinalPl(n, form)).toBe(words);
  });
});
