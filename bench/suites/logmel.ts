/**
 * Log-mel of 10 minutes of audio: Earshot against transformers.js' WhisperFeatureExtractor, both
 * window by window (30 s each, as the Hugging Face extractor works), alternated A B A B.
 * Earshot's whole-file variant (one global maximum, as OpenAI's transcribe uses) is timed too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { loadAudio } from '../../src/audio/load.js';
import { logMelSpectrogram, logMelWindows, WHISPER_N_SAMPLES } from '../../src/dsp/whisper-mel.js';
import { alternate, compare, formatMs } from '../lib/harness.js';
import type { BenchSuite } from '../run.js';

const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;

export const suite: BenchSuite = {
  name: 'logmel',
  description: 'Whisper log-mel of 10 min of audio vs transformers.js WhisperFeatureExtractor',
  async run({ quick }) {
    const speech = (await loadAudio(join(SHARED, 'audio', 'jfk.flac'))).samples;
    const durationS = quick ? 60 : 600;
    const samples = new Float32Array(durationS * 16000);
    for (let i = 0; i < samples.length; i++) samples[i] = speech[i % speech.length] as number;
    const config = JSON.parse(
      readFileSync(join(SHARED, 'whisper-tiny-config', 'preprocessor_config.json'), 'utf8'),
    );
    const extractor = new WhisperFeatureExtractor(config);
    const windows = Math.ceil(samples.length / WHISPER_N_SAMPLES);

    const results = await alternate(
      {
        earshotWindows: () => logMelWindows(samples),
        transformersJs: async () => {
          for (let w = 0; w < windows; w++) {
            await extractor(samples.subarray(w * WHISPER_N_SAMPLES, (w + 1) * WHISPER_N_SAMPLES));
          }
        },
        earshotWholeFile: () => logMelSpectrogram(samples),
      },
      { rounds: quick ? 3 : 7, warmup: 1 },
    );
    const earshot = results['earshotWindows']!;
    const peer = results['transformersJs']!;
    const ratio = compare(earshot, peer);
    const lines = [
      `audio: ${durationS} s (${windows} windows of 30 s)`,
      `earshot logMelWindows:            ${formatMs(earshot)}`,
      `transformers.js WhisperFeatureExtractor: ${formatMs(peer)}`,
      `earshot logMelSpectrogram (whole file):  ${formatMs(results['earshotWholeFile']!)}`,
      `speed-up (median ratio): ${ratio.medianRatio}× (per-round range ${ratio.worstCaseRatio}×–${ratio.bestCaseRatio}×)`,
      `earshot real-time factor: ${Math.round((durationS * 1000) / earshot.median)}× real time`,
    ];
    return {
      summary: lines,
      data: {
        durationS,
        windows,
        timingsMs: results,
        speedup: ratio,
        target: 'earshot ≥ 3× faster than transformers.js',
      },
    };
  },
};
