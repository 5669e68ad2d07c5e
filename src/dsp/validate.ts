/**
 * Checks for the numeric options of the DSP functions. A bad option is a caller's mistake that
 * may come straight from a user (a CLI flag, an API field), so it fails with the catalogue's
 * `invalid_parameter` rather than a bare `RangeError`.
 */
import { InvalidRequestError, SignalError } from '../errors.js';

/** Throws `invalid_parameter` saying what `name` must be. */
export function invalidParameter(name: string, expected: string, value: unknown): never {
  throw new InvalidRequestError('invalid_parameter', `${name} must be ${expected}, got ${value}.`, {
    details: { parameter: name, value },
  });
}

export function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) invalidParameter(name, 'a positive integer', value);
  return value;
}

export function evenInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 2 && value % 2 === 0))
    invalidParameter(name, 'an even integer ≥ 2', value);
  return value;
}

export function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) invalidParameter(name, 'a positive number', value);
  return value;
}

export function nonNegativeNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    invalidParameter(name, 'a non-negative number', value);
  return value;
}

export function numberInRange(name: string, value: number, min: number, max: number): number {
  if (!(Number.isFinite(value) && value >= min && value <= max))
    invalidParameter(name, `between ${min} and ${max}`, value);
  return value;
}

/** Both bounds positive and `low < high`. */
export function frequencyRange(lowName: string, low: number, highName: string, high: number): void {
  positiveNumber(lowName, low);
  positiveNumber(highName, high);
  if (!(low < high)) invalidParameter(lowName, `below ${highName} (${high})`, low);
}

/**
 * Analysis of samples that hold NaN or ±Infinity would silently produce NaN everywhere; refuse
 * them with a stable code instead.
 */
export function finiteSamples(samples: ArrayLike<number>): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i] as number)) {
      throw new SignalError(
        'signal_not_finite',
        `The signal holds a non-finite value (${samples[i]}) at sample ${i}.`,
        { details: { index: i } },
      );
    }
  }
}
