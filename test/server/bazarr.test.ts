import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAudio } from '../../src/audio/encode.js';
import { locateFfmpeg } from '../../src/audio/ffmpeg.js';
import { loadAudio } from '../../src/audio/load.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
const run = promisify(execFile);

const SEGMENTS = [
  [0, 3.5, 'And so, my fellow Americans,'],
  [3.5, 7.2, 'ask not what your country can do for you,'],
  [7.5, 10.6, 'ask what you can do for your country.'],
] as const;

let server: TestServer;
let pcm: Buffer;
let flac: Buffer;

beforeAll(async () => {
  server = await startServer({
    models: {
      'scripted/jfk': new ScriptedWhisperModel('scripted/jfk', { segments: SEGMENTS }),
    },
  });
  // What Bazarr's ffmpeg call produces: `-f s16le -acodec pcm_s16le -ac 1 -ar 16000`.
  const audio = await loadAudio(JFK_FLAC);
  pcm = await encodeAudio(audio.samples, 16_000, 'pcm');
  flac = await encodeAudio(audio.samples, 16_000, 'flac');
});

afterAll(async () => {
  await server?.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request byte for byte as Bazarr does: Python `requests` with
 * `files={'audio_file': <bytes>}` (part named and filed "audio_file", no part Content-Type) and
 * its default headers.
 */
function bazarrPost(
  path: string,
  query: Record<string, string>,
  audio: Buffer,
): Promise<RawResponse> {
  const boundary = randomBytes(16).toString('hex');
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="audio_file"; filename="audio_file"\r\n\r\n`,
    ),
    audio,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const url = new URL(`${server.url}${path}?${new URLSearchParams(query)}`);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: {
          'User-Agent': 'Subliminal/2.1.0',
          'Accept-Encoding': 'gzip, deflate',
          Accept: '*/*',
          Connection: 'keep-alive',
          'Content-Length': String(body.length),
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Parses SRT strictly: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text, blank line. */
function parseSrt(srt: string) {
  const seconds = (stamp: string) => {
    const [h, m, rest] = stamp.split(':');
    const [s, ms] = (rest as string).split(',');
    return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
  };
  expect(srt.endsWith('\n\n')).toBe(true);
  return srt
    .trimEnd()
    .split('\n\n')
    .map((block, index) => {
      const [number, timing, ...text] = block.split('\n');
      expect(number).toBe(String(index + 1));
      const match = /^(\d{2}:\d{2}:\d{2},\d{3}) --> (\d{2}:\d{2}:\d{2},\d{3})$/.exec(timing ?? '');
      expect(match, `cue ${index + 1} timing "${timing}"`).not.toBeNull();
      return {
        start: seconds(match?.[1] as string),
        end: seconds(match?.[2] as string),
        text: text.join('\n'),
      };
    });
}

describe('Bazarr (whisper-asr-webservice API)', () => {
  it('answers the exact request Bazarr sends with valid SRT', async () => {
    const response = await bazarrPost(
      '/asr',
      { task: 'transcribe', language: 'en', output: 'srt', encode: 'false' },
      pcm,
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="audio_file.srt"');
    expect(response.headers['asr-engine']).toBe('earshot');
    const cues = parseSrt(response.body);
    expect(cues).toEqual(SEGMENTS.map(([start, end, text]) => ({ start, end, text })));
    for (const [index, cue] of cues.entries()) {
      expect(cue.end).toBeGreaterThan(cue.start);
      expect(cue.end).toBeLessThanOrEqual(11);
      if (index > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[index - 1]?.end as number);
    }
    // ffmpeg's SRT demuxer (what media players use) reads every cue back.
    const path = join(tempDir(), 'bazarr.srt');
    writeFileSync(path, response.body);
    const { stdout } = await run(locateFfmpeg(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      path,
      '-f',
      'srt',
      'pipe:1',
    ]);
    expect(parseSrt(stdout)).toEqual(cues);
  });

  it('reads the PCM as 11 s of audio and counts it as processed', async () => {
    await bazarrPost(
      '/asr',
      { task: 'transcribe', language: 'en', output: 'json', encode: 'false' },
      pcm,
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const processed =
      /earshot_audio_seconds_processed_total\{model="scripted\/jfk",task="transcribe"\} ([\d.]+)/.exec(
        metrics,
      );
    expect(Number(processed?.[1])).toBeGreaterThanOrEqual(22);
  });

  it('accepts the video_file parameter newer Bazarr versions add, and translation', async () => {
    const response = await bazarrPost(
      '/asr',
      {
        task: 'translate',
        language: 'en',
        output: 'srt',
        encode: 'false',
        video_file: '/media/tv/Show/Season 1/Show - S01E01.mkv',
      },
      pcm,
    );
    expect(response.status).toBe(200);
    expect(parseSrt(response.body)).toHaveLength(3);
  });

  it('answers every output format', async () => {
    const query = { task: 'transcribe', language: 'en', encode: 'false' };
    const txt = await bazarrPost('/asr', { ...query, output: 'txt' }, pcm);
    expect(txt.body).toBe(`${SEGMENTS.map(([, , text]) => text).join('\n')}\n`);
    const vtt = await bazarrPost('/asr', { ...query, output: 'vtt' }, pcm);
    expect(
      vtt.body.startsWith('WEBVTT\n\n00:00.000 --> 00:03.500\nAnd so, my fellow Americans,\n'),
    ).toBe(true);
    const tsv = await bazarrPost('/asr', { ...query, output: 'tsv' }, pcm);
    expect(tsv.body.split('\n').slice(0, 2)).toEqual([
      'start\tend\ttext',
      '0\t3500\tAnd so, my fellow Americans,',
    ]);
    const json = JSON.parse((await bazarrPost('/asr', { ...query, output: 'json' }, pcm)).body);
    expect(json.language).toBe('en');
    expect(json.text).toBe(` ${SEGMENTS.map(([, , text]) => text).join(' ')}`);
    expect(json.segments[1]).toMatchObject({ id: 1, seek: 0, start: 3.5, end: 7.2 });
    expect(Object.keys(json.segments[0]).sort()).toEqual(
      [
        'avg_logprob',
        'compression_ratio',
        'end',
        'id',
        'no_speech_prob',
        'seek',
        'start',
        'temperature',
        'text',
        'tokens',
      ].sort(),
    );
  });

  it('with vad_filter, transcribes only speech: none on silence, cues within the speech', async () => {
    const query = { task: 'transcribe', language: 'en', output: 'srt', encode: 'false' };
    const silence = Buffer.alloc(pcm.length);
    // Without VAD the model "hears" its sentences in silence, as Whisper hallucinates…
    expect(parseSrt((await bazarrPost('/asr', query, silence)).body)).toHaveLength(3);
    // …with it, silence never reaches the model.
    const filtered = await bazarrPost('/asr', { ...query, vad_filter: 'true' }, silence);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toBe('');
    const speech = await bazarrPost('/asr', { ...query, vad_filter: 'true' }, pcm);
    expect(speech.status).toBe(200);
    const cues = parseSrt(speech.body);
    expect(cues.length).toBeGreaterThan(0);
    for (const cue of cues) {
      expect(cue.start).toBeGreaterThanOrEqual(0);
      expect(cue.end).toBeLessThanOrEqual(11);
    }
  });

  it('decodes any file format with encode=true (the default)', async () => {
    const response = await bazarrPost('/asr', { output: 'srt' }, flac);
    expect(response.status).toBe(200);
    expect(parseSrt(response.body)).toHaveLength(3);
  });

  it('detects the language as Bazarr asks for it', async () => {
    const response = await bazarrPost('/detect-language', { encode: 'false' }, pcm);
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body);
    expect(body).toEqual({
      detected_language: 'english',
      language_code: 'en',
      confidence: expect.any(Number),
    });
    expect(body.confidence).toBeGreaterThan(0.99);
  });

  it('reports its version', async () => {
    const body = await (await fetch(`${server.url}/status`)).json();
    expect(body).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      model: 'scripted/jfk',
    });
  });

  it("answers bad requests in FastAPI's { detail } shape", async () => {
    const badOutput = await bazarrPost('/asr', { output: 'docx', encode: 'false' }, pcm);
    expect(badOutput.status).toBe(400);
    expect(JSON.parse(badOutput.body)).toEqual({
      detail: "Invalid value for 'output': expected one of txt, vtt, srt, tsv, json.",
      code: 'invalid_parameter',
    });
    const oddPcm = await bazarrPost('/asr', { encode: 'false' }, pcm.subarray(0, 3));
    expect(oddPcm.status).toBe(400);
    expect(JSON.parse(oddPcm.body).code).toBe('audio_invalid_pcm');
  });
});
