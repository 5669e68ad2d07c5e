/**
 * Value parsers for configuration settings. Each accepts what a JSON config file holds or the
 * string an environment variable holds, and returns the typed value or throws `ParseFailure`
 * with what was expected; the loader adds which key and which source were at fault.
 */

export class ParseFailure extends Error {}

export type Parser<T> = (raw: unknown) => T;

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
}

export function string(options: { nonEmpty?: boolean } = {}): Parser<string> {
  return (raw) => {
    if (typeof raw !== 'string') throw new ParseFailure(`expected a string, got ${describe(raw)}`);
    if (options.nonEmpty && raw.trim() === '')
      throw new ParseFailure('expected a non-empty string');
    return raw;
  };
}

/** An optional string: absent, `null` or an empty environment value mean "not set". */
export function optionalString(): Parser<string | null> {
  return (raw) => {
    if (raw === null || raw === undefined || raw === '') return null;
    if (typeof raw !== 'string') throw new ParseFailure(`expected a string, got ${describe(raw)}`);
    return raw;
  };
}

function numeric(raw: unknown, integer: boolean, bounds: { min?: number; max?: number }): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  const kind = integer ? 'an integer' : 'a number';
  const range =
    bounds.min !== undefined && bounds.max !== undefined
      ? ` between ${bounds.min} and ${bounds.max}`
      : bounds.min !== undefined
        ? ` ≥ ${bounds.min}`
        : bounds.max !== undefined
          ? ` ≤ ${bounds.max}`
          : '';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    (bounds.min !== undefined && value < bounds.min) ||
    (bounds.max !== undefined && value > bounds.max)
  ) {
    throw new ParseFailure(`expected ${kind}${range}, got ${describe(raw)}`);
  }
  return value;
}

export function integer(bounds: { min?: number; max?: number } = {}): Parser<number> {
  return (raw) => numeric(raw, true, bounds);
}

export function number(bounds: { min?: number; max?: number } = {}): Parser<number> {
  return (raw) => numeric(raw, false, bounds);
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

export function boolean(): Parser<boolean> {
  return (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string') {
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
    }
    throw new ParseFailure(`expected true/false (or 1/0, yes/no, on/off), got ${describe(raw)}`);
  };
}

export function oneOf<const T extends readonly string[]>(choices: T): Parser<T[number]> {
  return (raw) => {
    if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw;
    throw new ParseFailure(`expected one of ${choices.join(', ')}, got ${describe(raw)}`);
  };
}

/** A list: a JSON array of strings, or a comma-separated environment value. */
export function list(): Parser<string[]> {
  return (raw) => {
    if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return [...raw];
    if (typeof raw === 'string') {
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
    throw new ParseFailure(`expected a list of strings, got ${describe(raw)}`);
  };
}

export function url(): Parser<string> {
  return (raw) => {
    if (typeof raw === 'string') {
      try {
        const parsed = new URL(raw);
        if (parsed.protocol === 'http:' || parsed.protocol === 'https:')
          return raw.replace(/\/+$/, '');
      } catch {
        // fall through to the failure below
      }
    }
    throw new ParseFailure(`expected an http(s) URL, got ${describe(raw)}`);
  };
}

/**
 * A string-to-string map: a JSON object, or `name=value` pairs separated by commas in an
 * environment value (`whisper-1=onnx-community/whisper-base,fast=./models/tiny`).
 */
export function mapping(): Parser<Record<string, string>> {
  return (raw) => {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const entries = Object.entries(raw);
      if (entries.every(([, value]) => typeof value === 'string' && value.trim() !== ''))
        return Object.fromEntries(entries) as Record<string, string>;
    }
    if (typeof raw === 'string') {
      const map: Record<string, string> = {};
      for (const pair of raw.split(',')) {
        if (pair.trim() === '') continue;
        const at = pair.indexOf('=');
        const key = pair.slice(0, at).trim();
        const value = pair.slice(at + 1).trim();
        if (at <= 0 || key === '' || value === '')
          throw new ParseFailure(
            `expected name=value pairs separated by commas, got ${describe(pair)}`,
          );
        map[key] = value;
      }
      return map;
    }
    throw new ParseFailure(
      `expected an object of strings or name=value pairs, got ${describe(raw)}`,
    );
  };
}
