/** Date parts shared by the languages' date rules. */
import { END, type Rewrite, rewrite, START } from './patterns.js';

export interface SpokenDate {
  year?: number;
  /** 1–12. */
  month: number;
  day?: number;
}

/** The month number (1–12) of a written month name, given every form of each month. */
export function monthNumber(forms: readonly (readonly string[])[], written: string): number {
  const lower = written.toLowerCase();
  const index = forms.findIndex((list) => list.some((form) => form.toLowerCase() === lower));
  return index + 1;
}

/** ISO 8601 calendar dates (2024-03-15), read by the language's own date reader. */
export function isoDateRewrite(speak: (date: SpokenDate) => string): Rewrite {
  return rewrite(
    'date yyyy-mm-dd',
    `${START}(?<y>\\d{4})-(?<mo>0[1-9]|1[0-2])-(?<d>0[1-9]|[12]\\d|3[01])${END}`,
    (g) => speak({ year: Number(g['y']), month: Number(g['mo']), day: Number(g['d']) }),
  );
}
