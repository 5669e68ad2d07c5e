import { describe, expect, it } from 'vitest';
import { prepareText } from '../../../src/tts/text/prepare.js';

const spoken = (text: string, language: string) => prepareText(text, { language }).join(' ');

describe('English normalisation', () => {
  it.each([
    ['I have 3 cats.', 'I have three cats.'],
    ['It is -5 outside.', 'It is minus five outside.'],
    ['Pi is 3.14159.', 'Pi is three point one four one five nine.'],
    [
      'There were 1,234,567 votes.',
      'There were one million two hundred thirty-four thousand five hundred sixty-seven votes.',
    ],
    ['She came 21st.', 'She came twenty-first.'],
    ['Agent 007 reporting.', 'Agent zero zero seven reporting.'],
    ['It costs $12.50.', 'It costs twelve dollars and fifty cents.'],
    ['It costs $1.', 'It costs one dollar.'],
    ['Only $0.99 today.', 'Only ninety-nine cents today.'],
    ['It costs €5.', 'It costs five euros.'],
    ['About £3.20 each.', 'About three pounds and twenty pence each.'],
    ['They raised $1.5 million.', 'They raised one point five million dollars.'],
    [
      'The bonus was $5k and the debt $2bn.',
      'The bonus was five thousand dollars and the debt two billion dollars.',
    ],
    ['Pay 10 USD now.', 'Pay ten dollars now.'],
    ['Sales fell 25%.', 'Sales fell twenty-five percent.'],
    ['Down 2.5 %.', 'Down two point five percent.'],
    ['Born on 2024-03-15.', 'Born on March fifteenth, twenty twenty-four.'],
    ['Due 03/15/2024.', 'Due March fifteenth, twenty twenty-four.'],
    ['On March 15, 2024 we met.', 'On March fifteenth, twenty twenty-four we met.'],
    ['On 15 March 2024 we met.', 'On the fifteenth of March, twenty twenty-four we met.'],
    ['Meet at 14:30.', 'Meet at fourteen thirty.'],
    ['Meet at 9:05 am.', 'Meet at nine oh five a.m.'],
    ['Meet at 10:00.', "Meet at ten o'clock."],
    ['Meet at 7 pm.', 'Meet at seven p.m.'],
    ['It happened in 1999.', 'It happened in nineteen ninety-nine.'],
    ['The 1990s were loud.', 'The nineteen nineties were loud.'],
    ['Pages 5-10 matter.', 'Pages five to ten matter.'],
    ['We ran 5 km and 1 km.', 'We ran five kilometers and one kilometer.'],
    ['It is 20 °C.', 'It is twenty degrees Celsius.'],
    ['Dr. Smith met Mr. Jones.', 'Doctor Smith met Mister Jones.'],
    ['Fruit, e.g. apples.', 'Fruit, for example apples.'],
    ['Invoice No. 5 is due.', 'Invoice number five is due.'],
    ['Tom & Jerry.', 'Tom and Jerry.'],
  ])('says "%s" as "%s"', (text, expected) => {
    expect(spoken(text, 'en-us')).toBe(expected);
  });
});

describe('Polish normalisation', () => {
  it.each([
    ['Mam 21 lat.', 'Mam dwadzieścia jeden lat.'],
    ['To kosztuje 1000 zł.', 'To kosztuje tysiąc złotych.'],
    ['To kosztuje 2000 zł.', 'To kosztuje dwa tysiące złotych.'],
    ['To kosztuje 5000 zł.', 'To kosztuje pięć tysięcy złotych.'],
    ['Razem 12,50 zł.', 'Razem dwanaście złotych pięćdziesiąt groszy.'],
    ['Tylko 1 zł.', 'Tylko jeden złoty.'],
    ['Tylko 2 zł.', 'Tylko dwa złote.'],
    ['Tylko 22 zł.', 'Tylko dwadzieścia dwa złote.'],
    ['Tylko 25 zł.', 'Tylko dwadzieścia pięć złotych.'],
    ['Tylko 0,99 zł.', 'Tylko dziewięćdziesiąt dziewięć groszy.'],
    ['Reszta 12 zł 5 gr.', 'Reszta dwanaście złotych pięć groszy.'],
    ['Budżet 2 mln zł.', 'Budżet dwa miliony złotych.'],
    ['Budżet 1,5 mln zł.', 'Budżet jeden przecinek pięć miliona złotych.'],
    ['Bilet za $5.', 'Bilet za pięć dolarów.'],
    ['Bilet za 20 €.', 'Bilet za dwadzieścia euro.'],
    ['Pi to 3,14.', 'Pi to trzy przecinek czternaście.'],
    ['Było -5 °C.', 'Było minus pięć stopni Celsjusza.'],
    [
      'Mieszka tu 1 234 567 osób.',
      'Mieszka tu milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt siedem osób.',
    ],
    ['Wzrost o 5%.', 'Wzrost o pięć procent.'],
    [
      'Waga 1 kg, 2 kg, 5 kg i 1,5 kg.',
      'Waga jeden kilogram, dwa kilogramy, pięć kilogramów i jeden przecinek pięć kilograma.',
    ],
    ['Czas: 1 h, 2 min.', 'Czas: jedna godzina, dwie minuty.'],
    [
      'Spotkanie 15.03.2024 r.',
      'Spotkanie piętnastego marca dwa tysiące dwudziestego czwartego roku.',
    ],
    [
      'Spotkanie 2024-03-15.',
      'Spotkanie piętnastego marca dwa tysiące dwudziestego czwartego roku.',
    ],
    [
      'Urodził się 1 maja 1990 r.',
      'Urodził się pierwszego maja tysiąc dziewięćset dziewięćdziesiątego roku.',
    ],
    ['To było w 2024 r.', 'To było w dwa tysiące dwudziestym czwartym roku.'],
    ['Zaczynamy o 14:30.', 'Zaczynamy o czternastej trzydzieści.'],
    ['Pracujemy do 17:05.', 'Pracujemy do siedemnastej zero pięć.'],
    ['Jest 9:00.', 'Jest dziewiąta.'],
    ['Przyjdź przed 10:00.', 'Przyjdź przed dziesiątą.'],
    ['Dr Nowak, np. wczoraj.', 'doktor Nowak, na przykład wczoraj.'],
    ['Adres: ul. Długa 5.', 'Adres: ulica Długa pięć.'],
    ['Jabłka, gruszki itd.', 'Jabłka, gruszki i tak dalej.'],
  ])('says "%s" as "%s"', (text, expected) => {
    expect(spoken(text, 'pl')).toBe(expected);
  });
});

describe('normalisation in other languages and of web addresses', () => {
  it('reads e-mail and web addresses by their host, in the language of the text', () => {
    expect(spoken('Write to jan.kowalski@example.com today.', 'en')).toBe(
      'Write to jan dot kowalski at example dot com today.',
    );
    expect(spoken('Zobacz https://www.example.pl/a/b?c=1, proszę.', 'pl')).toBe(
      'Zobacz example kropka pl, proszę.',
    );
  });

  it('leaves digits to the engine in languages without rules', () => {
    expect(spoken('Ich habe 3 Katzen.', 'de')).toBe('Ich habe 3 Katzen.');
  });
});
