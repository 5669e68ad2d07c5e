/**
 * Splits a sentence that is too long for one synthesis call: at clause punctuation first, then
 * between words, and only as a last resort inside a word (never inside a surrogate pair).
 * Pieces are packed greedily so that each chunk is as long as allowed.
 */

/** Clause boundaries: after , ; : and dashes that are followed by a space. */
const CLAUSE_END = /(?<=[,;:\u2013\u2014\u3001\uff0c\uff1b])\s+|\s+(?=[\u2013\u2014]\s)/u;

function pack(pieces: readonly string[], maxChars: number, joiner: string): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current === '') current = piece;
    else if (current.length + joiner.length + piece.length <= maxChars) current += joiner + piece;
    else {
      chunks.push(current);
      current = piece;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

function splitWord(word: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const char of word) {
    if (current.length + char.length > maxChars && current !== '') {
      pieces.push(current);
      current = '';
    }
    current += char;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

function splitWords(clause: string, maxChars: number): string[] {
  const words = clause
    .split(/\s+/u)
    .filter((word) => word !== '')
    .flatMap((word) => (word.length > maxChars ? splitWord(word, maxChars) : [word]));
  return pack(words, maxChars, ' ');
}

/** Splits `sentence` into chunks of at most `maxChars` UTF-16 code units. */
export function chunkSentence(sentence: string, maxChars: number): string[] {
  if (sentence.length <= maxChars) return [sentence];
  const clauses = sentence
    .split(CLAUSE_END)
    .filter((clause) => clause !== '')
    .flatMap((clause) => (clause.length > maxChars ? splitWords(clause, maxChars) : [clause]));
  return pack(clauses, maxChars, ' ');
}
