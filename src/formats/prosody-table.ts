/**
 * Prosody analysis as data for output: JSON-safe objects (NaN becomes null, values rounded to
 * what the measurements support) and CSV rows of the per-frame tracks.
 */
import type { ProsodyAnalysis, ProsodyTracks } from '../dsp/prosody/analyze.js';

/** Rounds to `digits` decimals; NaN and ±Infinity become null (JSON has neither). */
export function rounded(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Every numeric leaf of a functionals object rounded to 4 decimals, NaN as null. */
function roundTree(value: unknown): unknown {
  if (typeof value === 'number') return rounded(value, 4);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundTree(inner)]));
  return value;
}

/** Columns of the per-frame table: header, track, decimals. */
export const TRACK_COLUMNS: [string, keyof ProsodyTracks, number][] = [
  ['time_s', 'times', 3],
  ['f0_hz', 'f0', 2],
  ['voiced', 'voiced', 0],
  ['voiced_probability', 'voicedProbability', 3],
  ['loudness_lufs', 'loudness', 2],
  ['rms_dbfs', 'rmsDb', 2],
  ['hnr_db', 'hnr', 2],
  ['f1_hz', 'f1', 0],
  ['f2_hz', 'f2', 0],
  ['f3_hz', 'f3', 0],
  ['spectral_centroid_hz', 'spectralCentroid', 0],
  ['spectral_flux', 'spectralFlux', 4],
  ['zero_crossing_rate', 'zeroCrossingRate', 4],
];

export interface ProsodyJson {
  sampleRate: number;
  durationS: number | null;
  hopS: number | null;
  functionals: unknown;
  syllableNuclei: (number | null)[];
  tracks?: Record<string, (number | null)[]>;
}

export function prosodyJson(analysis: ProsodyAnalysis, includeTracks: boolean): ProsodyJson {
  const json: ProsodyJson = {
    sampleRate: analysis.sampleRate,
    durationS: rounded(analysis.durationS, 3),
    hopS: rounded(analysis.hopS, 6),
    functionals: roundTree(analysis.functionals),
    syllableNuclei: Array.from(analysis.syllableNuclei, (t) => rounded(t, 3)),
  };
  if (includeTracks) {
    json.tracks = Object.fromEntries(
      TRACK_COLUMNS.map(([, key, digits]) => [
        key,
        Array.from(analysis.tracks[key] as ArrayLike<number>, (v) => rounded(v, digits)),
      ]),
    );
  }
  return json;
}

/** The per-frame tracks as CSV, one row per frame; empty cells where a value is undefined. */
export function prosodyCsv(analysis: ProsodyAnalysis): string {
  const lines = [TRACK_COLUMNS.map(([header]) => header).join(',')];
  const count = analysis.tracks.times.length;
  for (let t = 0; t < count; t++) {
    lines.push(
      TRACK_COLUMNS.map(([, key, digits]) => {
        const value = rounded((analysis.tracks[key] as ArrayLike<number>)[t] as number, digits);
        return value === null ? '' : String(value);
      }).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
