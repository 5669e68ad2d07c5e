/**
 * Conversions to decibels as `librosa.power_to_db` and `librosa.amplitude_to_db` define them:
 * values are floored at `amin`, referred to `ref` (a value, or the input's maximum), and finally
 * floored at the result's maximum minus `topDb`.
 */
import { nonNegativeNumber, positiveNumber } from './validate.js';

export interface DbOptions {
  /** Reference value (0 dB), or `'max'` for the largest input value (librosa's `ref=np.max`). */
  ref?: number | 'max';
  /** Smallest value taken into account. Default 1e-10 for power, 1e-5 for amplitude. */
  amin?: number;
  /** Floor the output at its maximum minus this many dB; `null` for no floor. Default 80. */
  topDb?: number | null;
}

type Values = Float32Array | Float64Array;

function largestMagnitude(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number));
  return max;
}

function toDb<T extends Values>(values: T, square: boolean, options: DbOptions): T {
  const amin = positiveNumber('amin', options.amin ?? (square ? 1e-5 : 1e-10));
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (topDb !== null) nonNegativeNumber('topDb', topDb);
  const rawRef = options.ref ?? 1;
  const refMagnitude = rawRef === 'max' ? largestMagnitude(values) : Math.abs(rawRef);
  // amplitude_to_db squares everything (amin and ref included) and calls power_to_db.
  const floor = square ? amin * amin : amin;
  const ref = square ? refMagnitude * refMagnitude : refMagnitude;
  const offset = 10 * Math.log10(Math.max(floor, ref));
  const out = values.slice() as T;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < out.length; i++) {
    const magnitude = Math.abs(values[i] as number);
    const power = square ? magnitude * magnitude : magnitude;
    const db = 10 * Math.log10(Math.max(floor, power)) - offset;
    out[i] = db;
    if (db > max) max = db;
  }
  if (topDb !== null) {
    const lowest = max - topDb;
    for (let i = 0; i < out.length; i++) if ((out[i] as number) < lowest) out[i] = lowest;
  }
  return out;
}

/** `10·log10(max(amin, |S|) / ref)`, floored at `max − topDb` (librosa `power_to_db`). */
export function powerToDb<T extends Values>(power: T, options: DbOptions = {}): T {
  return toDb(power, false, options);
}

/** `20·log10(max(amin, |S|) / ref)`, floored at `max − topDb` (librosa `amplitude_to_db`). */
export function amplitudeToDb<T extends Values>(amplitude: T, options: DbOptions = {}): T {
  return toDb(amplitude, true, options);
}

/** Inverse of `powerToDb` with ref 1: `10^(dB/10)`. */
export function dbToPower(db: number): number {
  return 10 ** (db / 10);
}

/** Inverse of `amplitudeToDb` with ref 1: `10^(dB/20)`. */
export function dbToAmplitude(db: number): number {
  return 10 ** (db / 20);
}
