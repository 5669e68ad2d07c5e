import { describe, expect, it } from 'vitest';
import { transcribeWhisper } from '../../src/asr/transcribe.js';
import type { TranscribeOptions } from '../../src/asr/types.js';
import { type Script, type ScriptContext, ScriptedRuntime } from '../helpers/scripted-whisper.js';
import { noise } from '../helpers/signals.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

const tokenizer = whisperTokenizer();
const { eot, timestampBegin, transcribe: TRANSCRIBE, sot, sotPrev } = tokenizer;
const ts = (seconds: number) => timestampBegin + Math.round(seconds / 0.02);
const word = (text: string) => {
  const tokens = tokenizer.encode(text);
  expect(tokens).toHaveLength(1);
  return tokens[0] as number;
};
const HELLO = word(' Hello');
const WORLD = word(' world');
const AGAIN = word(' again');
const LAST = word(' last');
const LA = word(' la');

/** Tokens sampled so far in the window (everything after the task token). */
function sampled(context: ScriptContext): number[] {
  return context.prefix.slice(context.prefix.lastIndexOf(TRANSCRIBE as number) + 1);
}

/** A script that plays a fixed token sequence per window (and end of text after it). */
function playing(
  perWindow: Record<number, number[]>,
  extra: (context: ScriptContext) => Record<number, number> = () => ({}),
): Script {
  return (context) => {
    const script = perWindow[context.window] ?? perWindow[-1] ?? [eot];
    const position = sampled(context).length;
    return { [script[position] ?? eot]: 10, ...extra(context) };
  };
}

const audio = (seconds: number) => noise(seconds * 16000, 0.05);

async function run(script: Script, seconds: number, options: TranscribeOptions = {}) {
  const runtime = new ScriptedRuntime(script);
  const result = await transcribeWhisper({ runtime, tokenizer }, audio(seconds), {
    language: 'en',
    ...options,
  });
  return { runtime, result };
}

describe('segmentation and seeking', () => {
  it('splits a window at timestamp pairs and moves a full window on when it ends with a single timestamp', async () => {
    const { result, runtime } = await run(
      playing({
        0: [ts(0), HELLO, WORLD, ts(2), ts(2), AGAIN, ts(5)],
        1: [ts(0), LAST, ts(1)],
      }),
      40,
    );
    expect(result.segments.map(({ start, end, text }) => ({ start, end, text }))).toEqual([
      { start: 0, end: 2, text: ' Hello world' },
      { start: 2, end: 5, text: ' again' },
      { start: 30, end: 31, text: ' last' },
    ]);
    expect(result.segments.map((segment) => segment.seek)).toEqual([0, 0, 3000]);
    expect(result.segments.map((segment) => segment.id)).toEqual([0, 1, 2]);
    expect(result.text).toBe(' Hello world again last');
    expect(runtime.windows).toHaveLength(2);
    expect(runtime.windows.every((window) => window.disposed)).toBe(true);
  });

  it('drops an unfinished last segment and continues from the last complete timestamp', async () => {
    const { result } = await run(
      playing({
        0: [ts(0), HELLO, ts(1.5), ts(1.5), WORLD],
        1: [ts(0), LAST, ts(1)],
      }),
      10,
    );
    expect(
      result.segments.map(({ start, end, text, seek }) => ({ start, end, text, seek })),
    ).toEqual([
      { start: 0, end: 1.5, text: ' Hello', seek: 0 },
      { start: 1.5, end: 2.5, text: ' last', seek: 150 },
    ]);
  });

  it('makes one segment for the window when there are no timestamp pairs', async () => {
    const { result } = await run(playing({ 0: [ts(0), HELLO, WORLD, ts(3)] }), 8);
    expect(result.segments).toHaveLength(1);
    expect(result.segments[0]).toMatchObject({ start: 0, end: 3, text: ' Hello world' });
  });

  it('transcribes only the clip ranges it is given', async () => {
    const { result } = await run(playing({ [-1]: [ts(0), HELLO, ts(1)] }), 40, {
      clipTimestamps: '5,10,20',
    });
    expect(result.segments.map((segment) => segment.start)).toEqual([5, 20]);
    expect(result.segments.map((segment) => segment.seek)).toEqual([500, 2000]);
  });

  it('reports progress up to the whole duration', async () => {
    const progress: number[] = [];
    await run(playing({ [-1]: [ts(0), HELLO, ts(1)] }), 40, {
      onProgress: ({ doneS }) => progress.push(doneS),
    });
    expect(progress.at(-1)).toBeCloseTo(40, 5);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });
});

describe('timestamp rules', () => {
  it('forces a timestamp first and never a first timestamp later than maxInitialTimestamp', async () => {
    // The script prefers text, then a late timestamp; the rules must pick the best allowed one.
    const script: Script = (context) => {
      const done = sampled(context);
      if (done.length === 0) return { [HELLO]: 12, [ts(5)]: 11, [ts(0.4)]: 9, [ts(0)]: 8 };
      if (done.length === 1) return { [HELLO]: 10 };
      if (done.length === 2) return { [ts(6)]: 10 };
      return { [eot]: 10 };
    };
    const { result, runtime } = await run(script, 8);
    expect(result.segments[0]?.tokens[0]).toBe(ts(0.4));
    const late = await transcribeWhisper({ runtime, tokenizer }, audio(8), {
      language: 'en',
      maxInitialTimestamp: 10,
    });
    expect(late.segments[0]?.tokens[0]).toBe(ts(5));
  });

  it('never lets timestamps go backwards', async () => {
    // After <|0.80|> HELLO, the script prefers an earlier timestamp; the rules force a later one.
    const script: Script = (context) => {
      const done = sampled(context);
      if (done.length === 0) return { [ts(0.8)]: 10 };
      if (done.length === 1) return { [HELLO]: 10 };
      if (done.length === 2) return { [ts(0.2)]: 10, [ts(3)]: 5 };
      return { [eot]: 10 };
    };
    const { result } = await run(script, 8);
    // Without a timestamp pair the segment spans the window start to the last timestamp.
    expect(result.segments[0]).toMatchObject({ start: 0, end: 3, text: ' Hello' });
    expect(result.segments[0]?.tokens).toEqual([ts(0.8), HELLO, ts(3)]);
  });

  it('stops end of text until the minimum number of tokens (a fixed decoding budget)', async () => {
    const script: Script = (context) =>
      sampled(context).length === 0 ? { [ts(0)]: 10 } : { [eot]: 10, [HELLO]: 5 };
    const { result } = await run(script, 8, { minNewTokens: 6, withoutTimestamps: true });
    expect(result.segments[0]?.tokens.length).toBe(6);
  });
});

describe('temperature fallback and silence', () => {
  it('retries at the next temperature when the output is too repetitive', async () => {
    const repetitive = [ts(0), ...Array(40).fill(LA), ts(5)];
    const fine = [ts(0), HELLO, WORLD, ts(5)];
    const script: Script = (context) => {
      const plan = context.attempt === 0 ? repetitive : fine;
      return { [plan[sampled(context).length] ?? eot]: 10 };
    };
    const { result } = await run(script, 8, { seed: 1 });
    expect(result.segments[0]?.temperature).toBe(0.2);
    expect(result.segments[0]?.compressionRatio).toBeLessThan(2.4);
    expect(result.text).toBe(' Hello world');
  });

  it('keeps the last attempt when every temperature fails', async () => {
    const script: Script = (context) =>
      sampled(context).length === 0
        ? { [ts(0)]: 10 }
        : { [HELLO]: 0, [WORLD]: 0, [AGAIN]: 0, [eot]: -1 };
    const { result, runtime } = await run(script, 8, {
      seed: 2,
      maxNewTokens: 12,
      noSpeechThreshold: null,
    });
    expect(result.segments[0]?.temperature).toBe(1);
    expect(result.segments[0]?.avgLogprob).toBeLessThan(-1);
    expect(runtime.windows[0]?.decoders).toBe(6);
  });

  it('skips a window that is probably silence', async () => {
    const uncertain: Script = (context) => {
      const done = sampled(context);
      if (context.prefix[context.prefix.length - 1] === sot)
        return { [tokenizer.noSpeech as number]: 15, [TRANSCRIBE as number]: 0 };
      return done.length === 0
        ? { [ts(0)]: 10 }
        : { [HELLO]: 0, [WORLD]: 0, [AGAIN]: 0, [eot]: -0.5 };
    };
    const { result } = await run(uncertain, 8, { seed: 3, maxNewTokens: 12 });
    expect(result.segments).toEqual([]);
  });

  it('keeps a window with a high no-speech probability when the text is confident', async () => {
    const confident: Script = (context) => {
      if (context.prefix[context.prefix.length - 1] === sot)
        return { [tokenizer.noSpeech as number]: 15 };
      return playing({ 0: [ts(0), HELLO, ts(1)] })(context);
    };
    const { result } = await run(confident, 8);
    expect(result.segments[0]?.noSpeechProb).toBeGreaterThan(0.6);
    expect(result.text).toBe(' Hello');
  });
});

describe('search', () => {
  it('finds a likelier sequence with beam search than greedy decoding', async () => {
    // Greedy takes HELLO (slightly likelier) and then faces a flat distribution; the beam sees
    // that WORLD is followed by a near-certain AGAIN.
    const script: Script = (context) => {
      const done = sampled(context);
      if (done.length === 0) return { [ts(0)]: 10 };
      if (done.length === 1) return { [HELLO]: 2, [WORLD]: 1.8 };
      if (done.length === 2 && done[1] === HELLO)
        return Object.fromEntries([LA, LAST, AGAIN, WORLD].map((token) => [token, 1]));
      if (done.length === 2 && done[1] === WORLD) return { [AGAIN]: 12 };
      if (done.length === 3) return { [ts(2)]: 12 };
      return { [eot]: 12 };
    };
    const greedy = await run(script, 8, {
      temperature: 0,
      logprobThreshold: null,
      compressionRatioThreshold: null,
    });
    expect(greedy.result.segments[0]?.tokens[1]).toBe(HELLO);
    const beam = await run(script, 8, { temperature: 0, beamSize: 3 });
    expect(beam.result.text).toBe(' world again');
  });

  it('reports the probability of every sampled token', async () => {
    const { result } = await run(playing({ 0: [ts(0), HELLO, ts(1)] }), 8);
    const segment = result.segments[0];
    expect(segment?.tokenProbs).toHaveLength(segment?.tokens.length ?? -1);
    expect(segment?.tokenProbs.every((p) => p > 0.99 && p <= 1)).toBe(true);
  });

  it('samples reproducibly with a seed', async () => {
    const flat: Script = (context) =>
      sampled(context).length === 0
        ? { [ts(0)]: 10 }
        : sampled(context).length > 6
          ? { [eot]: 10 }
          : { [HELLO]: 1, [WORLD]: 1, [AGAIN]: 1 };
    const options = {
      temperature: 0.8,
      seed: 42,
      logprobThreshold: null,
      compressionRatioThreshold: null,
      withoutTimestamps: true,
    };
    const first = await run(flat, 8, options);
    const second = await run(flat, 8, options);
    expect(first.result.text).toBe(second.result.text);
  });
});

describe('context and hotwords', () => {
  it('gives each window the previous text as context, and none when conditioning is off', async () => {
    const script = playing({ 0: [ts(0), HELLO, WORLD, ts(2)], [-1]: [ts(0), LAST, ts(1)] });
    const { runtime } = await run(script, 40, { initialPrompt: 'Greetings.' });
    const [first, second] = runtime.prompts;
    expect(first?.slice(0, 1)).toEqual([sotPrev]);
    expect(tokenizer.decode(first?.slice(1, first.indexOf(sot)) ?? [])).toBe(' Greetings.');
    expect(tokenizer.decode(second?.slice(1, second.indexOf(sot)) ?? [])).toBe(
      ' Greetings. Hello world',
    );
    const unconditioned = await run(script, 40, { conditionOnPreviousText: false });
    expect(unconditioned.runtime.prompts[1]?.[0]).toBe(sot);
  });

  it('puts hotwords in the context and favours their tokens', async () => {
    const hotword = tokenizer.encode(' Kubernetes');
    const competitor = word(' Cooper');
    const script: Script = (context) => {
      const done = sampled(context);
      if (done.length === 0) return { [ts(0)]: 10 };
      if (done.length === 1) return { [competitor]: 5, [hotword[0] as number]: 4 };
      if (done.length < 1 + hotword.length && done[1] === hotword[0])
        return { [hotword[done.length - 1] as number]: 10 };
      if (done[done.length - 1] !== ts(2) && done.length < 8) return { [ts(2)]: 10 };
      return { [eot]: 10 };
    };
    const plain = await run(script, 8);
    expect(plain.result.text).toBe(' Cooper');
    const biased = await run(script, 8, { hotwords: ['Kubernetes'] });
    expect(biased.result.text).toBe(' Kubernetes');
    const prompt = biased.runtime.prompts[0] ?? [];
    expect(prompt[0]).toBe(sotPrev);
    expect(tokenizer.decode(prompt.slice(1, prompt.indexOf(sot)))).toBe(' Kubernetes');
    const noBoost = await run(script, 8, { hotwords: ['Kubernetes'], hotwordBoost: 0 });
    expect(noBoost.result.text).toBe(' Cooper');
  });
});

describe('language', () => {
  it('detects the language from the first window and reports every probability', async () => {
    const polish = tokenizer.languageToken('pl') as number;
    const script: Script = (context) => {
      if (context.prefix.length === 1 && context.prefix[0] === sot)
        return { [polish]: 8, [tokenizer.languageToken('en') as number]: 6 };
      return playing({ [-1]: [ts(0), HELLO, ts(1)] })({
        ...context,
        prefix: context.prefix.map((token) => (token === tokenizer.transcribe ? token : token)),
      });
    };
    const runtime = new ScriptedRuntime(script);
    const result = await transcribeWhisper({ runtime, tokenizer }, audio(8));
    expect(result.language).toBe('pl');
    const total = Object.values(result.languageProbs ?? {}).reduce((sum, p) => sum + p, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(result.languageProbs?.['pl']).toBeGreaterThan(result.languageProbs?.['en'] ?? 1);
    expect(runtime.prompts[1]?.slice(-3)).toEqual([sot, polish, TRANSCRIBE]);
  });

  it('refuses an unknown language with invalid_parameter', async () => {
    await expect(run(playing({}), 4, { language: 'klingon' })).rejects.toMatchObject({
      code: 'invalid_parameter',
    });
  });
});

describe('batched windows', () => {
  const independent = { withoutTimestamps: true, conditionOnPreviousText: false } as const;
  // Window 1 is repetitive at temperature 0 and needs a fallback; window 2 is silence.
  const script: Script = (context) => {
    if (context.prefix[context.prefix.length - 1] === sot) {
      return context.window === 2
        ? { [tokenizer.noSpeech as number]: 15, [TRANSCRIBE as number]: 0 }
        : {};
    }
    const done = sampled(context).filter((token) => token !== tokenizer.noTimestamps);
    if (context.window === 2)
      return done.length > 4 ? { [eot]: 0 } : { [HELLO]: 0, [WORLD]: 0, [AGAIN]: 0, [eot]: -0.5 };
    const plan =
      context.window === 1 && context.attempt === 0
        ? Array(30).fill(LA)
        : ([[HELLO], [WORLD, AGAIN], [], [LAST]][context.window] ?? [LAST, LAST]);
    return { [plan[done.length] ?? eot]: 10 };
  };

  it('decodes independent windows in batches and gives the same result as one by one', async () => {
    const samples = audio(100);
    const batched = new ScriptedRuntime(script);
    const together = await transcribeWhisper({ runtime: batched, tokenizer }, samples, {
      language: 'en',
      ...independent,
      seed: 5,
    });
    const alone = new ScriptedRuntime(script);
    const separately = await transcribeWhisper({ runtime: alone, tokenizer }, samples, {
      language: 'en',
      ...independent,
      seed: 5,
      batchSize: 1,
    });
    expect(batched.batchedRuns).toEqual([4]);
    expect(alone.batchedRuns).toEqual([]);
    const summary = (result: typeof together) =>
      result.segments.map(({ seek, start, end, text, temperature }) => ({
        seek,
        start,
        end,
        text,
        temperature,
      }));
    expect(summary(together)).toEqual(summary(separately));
    expect(summary(together).map((segment) => segment.seek)).toEqual([0, 3000, 9000]);
    expect(together.segments[1]?.temperature).toBe(0.2);
  });

  it('keeps windows sequential when they depend on each other', async () => {
    const runtime = new ScriptedRuntime(script);
    await transcribeWhisper({ runtime, tokenizer }, audio(100), {
      language: 'en',
      withoutTimestamps: true,
      seed: 5,
    });
    expect(runtime.batchedRuns).toEqual([]);
  });
});

describe('audio context', () => {
  const independent = {
    withoutTimestamps: true,
    conditionOnPreviousText: false,
    temperature: 0,
  } as const;

  it('encodes 30-second windows by default and whole seconds of audio with content', async () => {
    const script = playing({ [-1]: [HELLO, WORLD] });
    const full = await run(script, 3.3, independent);
    expect(full.runtime.encodedFrames).toEqual([3000]);
    const content = await run(script, 3.3, { ...independent, audioContext: 'content' });
    expect(content.runtime.encodedFrames).toEqual([400]);
    expect(content.result.text).toBe(full.result.text);
    expect(content.result.warnings).toEqual([]);
    // The audio's frames are those of the 30-second window, padding aside.
    const whole = full.runtime.encodedFeatures[0] as Float32Array;
    const short = content.runtime.encodedFeatures[0] as Float32Array;
    for (const mel of [0, 40, 79]) {
      const row = Array.from(short.subarray(mel * 400, mel * 400 + 330));
      expect(row).toEqual(Array.from(whole.subarray(mel * 3000, mel * 3000 + 330)));
    }
  });

  it('sizes each window of a long file by its own audio and does not batch them', async () => {
    const { runtime } = await run(playing({ [-1]: [HELLO] }), 65.5, {
      ...independent,
      audioContext: 'content',
    });
    expect(runtime.encodedFrames).toEqual([3000, 3000, 600]);
    expect(runtime.batchedRuns).toEqual([]);
  });

  it('refuses an unknown audio context', async () => {
    await expect(
      run(playing({}), 2, { audioContext: 'half' as unknown as 'full' }),
    ).rejects.toMatchObject({ code: 'invalid_parameter' });
  });
});
