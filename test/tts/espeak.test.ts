import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EspeakSpeechModel } from '../../src/tts/espeak/engine.js';
import { EspeakRuntime, sharedEspeakRuntime } from '../../src/tts/espeak/runtime.js';

const require = createRequire(import.meta.url);
const OUT = '/tmp/out.wav';

/** The package's own way: a fresh instance that runs `main` once with these arguments. */
async function freshInstance(args: string[]): Promise<Uint8Array> {
  const module = (await import(
    pathToFileURL(require.resolve('espeak-ng/dist/espeak-ng.js')).href
  )) as {
    default: (options: object) => Promise<{ FS: { readFile(path: string): Uint8Array } }>;
  };
  const instance = await module.default({
    arguments: args,
    print: () => {},
    printErr: () => {},
    quit: (_status: number, toThrow: unknown) => {
      throw toThrow;
    },
  });
  return instance.FS.readFile(OUT);
}

/** Median fundamental frequency of voiced 40 ms frames, by autocorrelation (70–400 Hz). */
function medianPitch(samples: Float32Array, sampleRate: number): number {
  const frame = Math.round(sampleRate * 0.04);
  const pitches: number[] = [];
  for (let start = 0; start + frame * 2 < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += (samples[start + i] as number) ** 2;
    if (energy / frame < 1e-3) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = Math.floor(sampleRate / 400); lag <= Math.ceil(sampleRate / 70); lag++) {
      let sum = 0;
      for (let i = 0; i < frame; i++)
        sum += (samples[start + i] as number) * (samples[start + i + lag] as number);
      if (sum > best) {
        best = sum;
        bestLag = lag;
      }
    }
    if (best / energy > 0.5) pitches.push(sampleRate / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

describe('eSpeak NG runtime', () => {
  it('gives byte-identical audio on a reused instance and on a fresh one', async () => {
    const runtime = await EspeakRuntime.create();
    // Leave state behind on purpose: other voices and rates, a failing run, a listing.
    runtime.run(['-v', 'pl', '-s', '300', '-w', OUT, 'Dzień dobry.'], { outputFile: OUT });
    runtime.run(['-v', 'nosuchvoice', '-w', OUT, 'x'], { outputFile: OUT });
    runtime.run(['--voices']);
    const args = ['-v', 'en-us', '-p', '60', '-w', OUT, '--', 'The quick brown fox, again.'];
    const reused = runtime.run(args, { outputFile: OUT });
    expect(reused.status).toBe(0);
    expect(
      Buffer.from(reused.file as Uint8Array).equals(Buffer.from(await freshInstance(args))),
    ).toBe(true);
  });

  it('reports a failing run by its exit status and keeps working', async () => {
    const runtime = await EspeakRuntime.create();
    const failed = runtime.run(['-v', 'nosuchvoice', '-w', OUT, 'x'], { outputFile: OUT });
    expect(failed.status).toBe(1);
    expect(failed.stderr.join('\n')).toMatch(/voice does not exist/);
    expect(runtime.usable).toBe(true);
    expect(runtime.run(['-w', OUT, 'fine'], { outputFile: OUT }).file?.length).toBeGreaterThan(
      1000,
    );
  });

  it('replaces the shared instance after a run that exhausts its memory', async () => {
    const runtime = await sharedEspeakRuntime();
    expect(() =>
      runtime.run(['-w', OUT, '--', 'a '.repeat(10_000_000)], { outputFile: OUT }),
    ).toThrow(expect.objectContaining({ code: 'speech_synthesis_failed' }));
    expect(runtime.usable).toBe(false);
    const replacement = await sharedEspeakRuntime();
    expect(replacement).not.toBe(runtime);
    expect(replacement.run(['-w', OUT, 'hello'], { outputFile: OUT }).status).toBe(0);
  });
});

describe('eSpeak NG speech model', () => {
  const model = new EspeakSpeechModel();

  it('lists more than 100 languages from the WebAssembly build, Polish among them', async () => {
    const voices = await model.voices();
    expect(new Set(voices.map((voice) => voice.languages[0])).size).toBeGreaterThan(100);
    expect(voices.find((voice) => voice.id === 'pl')).toMatchObject({ name: 'Polish' });
    expect(voices.find((voice) => voice.id === 'nova')).toMatchObject({ gender: 'female' });
  });

  it('resolves voices by id, name, OpenAI name and variant, in any case', async () => {
    expect((await model.resolveVoice('PL'))?.id).toBe('pl');
    expect((await model.resolveVoice('Polish'))?.id).toBe('pl');
    expect((await model.resolveVoice('English (America)'))?.id).toBe('en-us');
    expect(await model.resolveVoice('en-us+F3')).toMatchObject({
      id: 'en-us+f3',
      gender: 'female',
    });
    expect((await model.resolveVoice('alloy'))?.id).toBe('en-us');
    expect(await model.resolveVoice('nosuchvoice')).toBeNull();
    expect(await model.resolveVoice('en-us+nobody')).toBeNull();
    expect(await model.resolveVoice('en-us+f3+f4')).toBeNull();
  });

  it('speaks faster at a higher rate and higher with a higher pitch', async () => {
    const text = 'Speech synthesis on your own machine, with nothing sent anywhere.';
    const normal = await model.doSynthesize({ text, voice: 'en-us', speed: 1 });
    const fast = await model.doSynthesize({ text, voice: 'en-us', speed: 2 });
    expect(normal.sampleRate).toBe(22050);
    const ratio = normal.samples.length / fast.samples.length;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.4);
    const low = await model.doSynthesize({ text, voice: 'en-us', speed: 1, pitch: 10 });
    const high = await model.doSynthesize({ text, voice: 'en-us', speed: 1, pitch: 90 });
    expect(medianPitch(high.samples, 22050)).toBeGreaterThan(medianPitch(low.samples, 22050) * 1.3);
  });

  it('speaks text that starts with a dash and warns that instructions are ignored', async () => {
    const result = await model.doSynthesize({
      text: '-v is not an option here.',
      voice: 'en-us',
      speed: 1,
      instructions: 'Speak cheerfully.',
    });
    expect(result.samples.length / result.sampleRate).toBeGreaterThan(1);
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'instructions' }),
    ]);
  });
});
