import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';
import { synthesizeVoice } from '../helpers/voice.js';
import { writeWav } from '../helpers/wav-writer.js';

const tempDir = useTempDir();

/** Two voiced stretches (140 Hz, then a 180 → 240 Hz glide) in 3 s, as a 16-bit WAV file. */
function voiceFile(): string {
  const path = join(tempDir(), 'voice.wav');
  const voice = synthesizeVoice({
    sampleRate: 16000,
    durationS: 3,
    segments: [
      { startS: 0.4, endS: 1.3, f0: () => 140 },
      { startS: 1.8, endS: 2.7, f0: (t) => 180 * (240 / 180) ** (t / 0.9) },
    ],
    snrDb: 30,
  });
  writeFileSync(path, writeWav([voice.samples], { encoding: 's16', sampleRate: 16000 }));
  return path;
}

describe('earshot features', () => {
  const file = voiceFile();

  it('prints a summary of pitch, loudness, voice quality and speaking rate', async () => {
    const result = await cli(['features', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^pitch\s+median 1\d\d\.\d Hz/m);
    for (const row of [
      'duration',
      'voiced',
      'loudness',
      'HNR',
      'jitter',
      'shimmer',
      'formants',
      'speaking rate',
    ])
      expect(result.stdout).toMatch(new RegExp(`^${row}\\s`, 'm'));
  });

  it('prints JSON with the functionals and equally long tracks, undefined values as null', async () => {
    const result = await cli(['features', '--json', file]);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.sampleRate).toBe(16000);
    expect(json.durationS).toBe(3);
    expect(json.functionals.f0Hz.p20).toBeGreaterThan(130);
    expect(json.functionals.voicedSegmentsPerSecond).toBeCloseTo(2 / 3, 3);
    const lengths = Object.values(json.tracks as Record<string, unknown[]>).map(
      (track) => track.length,
    );
    expect(new Set(lengths).size).toBe(1);
    expect(json.tracks.f0[0]).toBeNull();
    expect(json.tracks.f0.some((value: number | null) => typeof value === 'number')).toBe(true);
  });

  it('prints the tracks as CSV, one row per frame, empty cells where unvoiced', async () => {
    const json = JSON.parse((await cli(['features', '--json', file])).stdout);
    const result = await cli(['features', '--csv', file]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'time_s,f0_hz,voiced,voiced_probability,loudness_lufs,rms_dbfs,hnr_db,f1_hz,f2_hz,f3_hz,spectral_centroid_hz,spectral_flux,zero_crossing_rate',
    );
    expect(lines).toHaveLength(json.tracks.times.length + 1);
    expect(lines[1]?.split(',')).toHaveLength(13);
    expect(lines[1]?.split(',')[1]).toBe('');
  });

  it('writes an SVG plot that parses as XML, with a pitch path per voiced stretch and a loudness path', async () => {
    const svgPath = join(tempDir(), 'pitch.svg');
    const result = await cli(['features', '--plot', svgPath, file]);
    expect(result.status).toBe(0);
    const svg = readFileSync(svgPath, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
    const paths = [document.svg.path].flat() as { id: string; d: string }[];
    const pitch = paths.find((path) => path.id === 'pitch');
    const loudness = paths.find((path) => path.id === 'loudness');
    expect(pitch?.d.match(/M/g)).toHaveLength(2);
    expect(loudness?.d.match(/M/g)).toHaveLength(1);
    expect(loudness?.d.match(/L/g)?.length).toBeGreaterThan(100);
    expect(svg).toContain('Pitch (Hz)');
    expect(svg).toContain('Loudness (LUFS)');
    expect(svg).toContain('Time (s)');
  });

  it('refuses --json with --csv (usage error) and a bad pitch bound (invalid_parameter)', async () => {
    expect((await cli(['features', '--json', '--csv', file])).status).toBe(2);
    const bad = await cli(['features', '--fmin', 'low', file]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error \[invalid_parameter\]: --fmin/);
    const inverted = await cli(['features', '--fmin', '300', '--fmax', '200', file]);
    expect(inverted.stderr).toMatch(/^error \[invalid_parameter\]/);
  });

  it('reports a missing file with audio_unreadable', async () => {
    const result = await cli(['features', join(tempDir(), 'nope.wav')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error \[audio_unreadable\]/);
  });
});
