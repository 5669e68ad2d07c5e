/**
 * One timed end-to-end transcription in a fresh process, so that each run's peak memory is its
 * own. Usage: tsx bench/workers/asr-run.ts <earshot|transformers> <model folder> <dtype> <wav> <tokens>
 * Prints one JSON line: load and transcription times, tokens decoded, peak RSS.
 */

import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { transcribeWhisper } from '../../src/asr/transcribe.js';
import type { DecoderStepper, WhisperRuntime } from '../../src/asr/whisper/runtime.js';
import { openWhisperRuntime } from '../../src/asr/whisper/whisper-model.js';
import { loadAudio } from '../../src/audio/load.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';

const [engine, folder, dtype, wav, tokenArg] = process.argv.slice(2) as [
  string,
  string,
  'fp32' | 'q8',
  string,
  string,
];
const tokens = Number(tokenArg);
const samples = (await loadAudio(readFileSync(wav))).samples;

/** Times every decoder step of a runtime (the instrumentation stays out of the engine). */
function timed(runtime: WhisperRuntime, steps: number[]): WhisperRuntime {
  return {
    dimensions: runtime.dimensions,
    hasCrossAttentions: runtime.hasCrossAttentions,
    encode: (features) => runtime.encode(features),
    acceptsShortWindows: () => runtime.acceptsShortWindows(),
    alignmentAttention: (window, ids) => runtime.alignmentAttention(window, ids),
    startDecoder: (window, batch) => timedStepper(runtime.startDecoder(window, batch)),
    startBatchDecoder: (windows) => timedStepper(runtime.startBatchDecoder(windows)),
  };
  function timedStepper(stepper: DecoderStepper): DecoderStepper {
    return {
      async step(ids) {
        const started = performance.now();
        const logits = await stepper.step(ids);
        steps.push(performance.now() - started);
        return logits;
      },
      reorder: (sources) => stepper.reorder(sources),
      dispose: () => stepper.dispose(),
    };
  }
}

let result: Record<string, number>;
if (engine === 'earshot') {
  const loadStart = performance.now();
  const store = new ModelStore({
    dir: dirname(folder),
    hubUrl: 'http://127.0.0.1:9',
    offline: true,
    token: null,
    timeoutS: 1,
  });
  const pool = new SessionPool({
    executionProvider: 'cpu',
    intraOpThreads: 0,
    interOpThreads: 1,
    idleTtlS: 0,
  });
  const model = await store.resolve(folder, { kind: 'whisper', dtype });
  const { runtime, tokenizer } = await openWhisperRuntime(model, pool);
  const loadMs = performance.now() - loadStart;
  const steps: number[] = [];
  const started = performance.now();
  const transcript = await transcribeWhisper(
    { runtime: timed(runtime, steps), tokenizer },
    samples,
    {
      language: 'en',
      task: 'transcribe',
      temperature: 0,
      withoutTimestamps: true,
      conditionOnPreviousText: false,
      compressionRatioThreshold: null,
      logprobThreshold: null,
      noSpeechThreshold: null,
      minNewTokens: tokens,
      maxNewTokens: tokens,
    },
  );
  const transcribeMs = performance.now() - started;
  const decoded = transcript.segments.reduce((sum, segment) => sum + segment.tokens.length, 0);
  // The first step of a window runs the whole prompt; later steps are the per-token cost.
  const perToken = steps.filter((_, index) => index % (tokens + 1) !== 0).sort((a, b) => a - b);
  result = {
    loadMs,
    transcribeMs,
    tokens: decoded,
    windows: transcript.segments.length,
    decoderStepMedianMs: perToken[Math.floor(perToken.length / 2)] ?? 0,
  };
} else {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(folder);
  const loadStart = performance.now();
  const asr = await pipeline('automatic-speech-recognition', basename(folder), {
    dtype,
    device: 'cpu',
    local_files_only: true,
  });
  const loadMs = performance.now() - loadStart;
  const started = performance.now();
  const output = (await asr(samples, {
    chunk_length_s: 30,
    stride_length_s: 0,
    language: 'en',
    task: 'transcribe',
    return_timestamps: false,
    max_new_tokens: tokens,
    min_new_tokens: tokens,
  } as never)) as { text: string };
  const transcribeMs = performance.now() - started;
  result = { loadMs, transcribeMs, textLength: output.text.length };
}
console.log(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
