/**
 * The whisper-asr-webservice API, which Bazarr (and other tools) speak: `POST /asr`,
 * `POST /detect-language` and `GET /status`. Bazarr sends the audio as raw s16le 16 kHz mono
 * PCM in the multipart field `audio_file` with `encode=false`; with `encode=true` (the default)
 * the file may be in any format ffmpeg reads.
 */
import { Type } from 'typebox';
import { languageName } from '../../asr/languages.js';
import type { TranscriptionResult } from '../../asr/types.js';
import { InvalidRequestError } from '../../errors.js';
import { transcriptWriters, whisperSegment } from '../../formats/writers.js';
import { vadOptionsFromConfig } from '../../vad/vad-options.js';
import { VERSION } from '../../version.js';
import { detectUploadLanguage, refuseWhenSaturated, transcribeUpload } from '../transcription.js';
import type { RouteModule, Upload } from '../types.js';

const OUTPUTS = ['txt', 'vtt', 'srt', 'tsv', 'json'] as const;

/** Headerless PCM as Bazarr sends it (ffmpeg `-f s16le -ac 1 -ar 16000`). */
const BAZARR_PCM = { sampleRate: 16_000, channels: 1 } as const;

/** openai-whisper's writer settings, as whisper-asr-webservice passes them. */
const WRITER_OPTIONS = { maxLineWidth: 1000, maxLineCount: 10, highlightWords: false };

const encode = Type.Boolean({
  default: true,
  description:
    'true: decode the file with ffmpeg (any format). false: the file is raw s16le 16 kHz mono PCM without a header.',
});

const AudioFile = Type.Object({
  audio_file: Type.String({ format: 'binary', description: 'The audio (or video) file.' }),
});

const BazarrError = Type.Object(
  { detail: Type.String(), code: Type.String() },
  { description: "An error, in FastAPI's `{ detail }` shape with the stable code added." },
);
const errors = {
  400: BazarrError,
  401: BazarrError,
  404: BazarrError,
  413: BazarrError,
  415: BazarrError,
  429: BazarrError,
  500: BazarrError,
};

/** openai-whisper's result dictionary, which whisper-asr-webservice returns for `output=json`. */
function whisperResult(result: TranscriptionResult) {
  return {
    text: result.text,
    segments: result.segments.map((segment) => ({
      ...whisperSegment(segment),
      ...(segment.words ? { words: segment.words } : {}),
    })),
    language: result.language,
  };
}

function uploadOf(uploads: Record<string, Upload>): Upload {
  const upload = uploads['audio_file'];
  if (!upload) {
    throw new InvalidRequestError('invalid_request', "'audio_file' must be an uploaded file.", {
      details: { param: 'audio_file' },
    });
  }
  return upload;
}

/** A file name safe inside a quoted Content-Disposition value (the client's name, percent-encoded). */
function attachmentName(filename: string, extension: string): string {
  return `${encodeURIComponent(filename)}.${extension}`;
}

export const bazarrRoutes: RouteModule = {
  name: 'whisper-asr-webservice',
  surface: 'bazarr',
  register: async (app, { context }) => {
    app.addHook('onRequest', async (request) => {
      if (request.method === 'POST') refuseWhenSaturated(context);
    });
    app.post(
      '/asr',
      {
        config: { uploads: ['audio_file'] },
        schema: {
          tags: ['whisper-asr-webservice'],
          summary: 'Transcribe or translate a file into txt, vtt, srt, tsv or json',
          consumes: ['multipart/form-data'],
          querystring: Type.Object({
            task: Type.Optional(Type.Enum(['transcribe', 'translate'], { default: 'transcribe' })),
            language: Type.Optional(
              Type.String({ description: 'Language code of the audio; default: detected.' }),
            ),
            initial_prompt: Type.Optional(Type.String()),
            encode: Type.Optional(encode),
            output: Type.Optional(Type.Enum(OUTPUTS, { default: 'txt' })),
            word_timestamps: Type.Optional(Type.Boolean({ default: false })),
            vad_filter: Type.Optional(
              Type.Boolean({
                default: false,
                description:
                  'Accepted for compatibility; voice activity filtering is not applied yet.',
              }),
            ),
            video_file: Type.Optional(
              Type.String({ description: 'Sent by some Bazarr versions; ignored.' }),
            ),
          }),
          body: AudioFile,
          response: {
            200: {
              description:
                'The transcript as a file (text/plain, as whisper-asr-webservice sends it).',
              content: { 'text/plain': { schema: Type.String() } },
            },
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const upload = uploadOf(request.uploads);
        const task = query.task ?? 'transcribe';
        const output = query.output ?? 'txt';
        const { result } = await transcribeUpload(
          context,
          {
            upload,
            ...(query.encode === false ? { raw: BAZARR_PCM } : {}),
            signal: request.cancellation,
          },
          {
            task,
            language: query.language || null,
            ...(query.initial_prompt ? { initialPrompt: query.initial_prompt } : {}),
            wordTimestamps: query.word_timestamps === true,
            ...(query.vad_filter === true ? { vad: vadOptionsFromConfig(context.config) } : {}),
          },
        );
        const body =
          output === 'json'
            ? JSON.stringify(whisperResult(result))
            : transcriptWriters[output].write(result, { ...WRITER_OPTIONS, task });
        return reply
          .header('asr-engine', 'earshot')
          .header(
            'content-disposition',
            `attachment; filename="${attachmentName(upload.filename, output)}"`,
          )
          .type('text/plain; charset=utf-8')
          .send(body);
      },
    );

    app.post(
      '/detect-language',
      {
        config: { uploads: ['audio_file'] },
        schema: {
          tags: ['whisper-asr-webservice'],
          summary: 'Detect the spoken language from the first 30 seconds',
          consumes: ['multipart/form-data'],
          querystring: Type.Object({
            encode: Type.Optional(encode),
            video_file: Type.Optional(Type.String()),
          }),
          body: AudioFile,
          response: {
            200: Type.Object({
              detected_language: Type.String({ description: 'Language name, e.g. "english".' }),
              language_code: Type.String({ description: 'Language code, e.g. "en".' }),
              confidence: Type.Number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { detection } = await detectUploadLanguage(context, {
          upload: uploadOf(request.uploads),
          ...(request.query.encode === false ? { raw: BAZARR_PCM } : {}),
          signal: request.cancellation,
        });
        return {
          detected_language: languageName(detection.language) ?? detection.language,
          language_code: detection.language,
          confidence: detection.probability,
        };
      },
    );

    app.get(
      '/status',
      {
        schema: {
          tags: ['whisper-asr-webservice'],
          summary: 'Server version and default model',
          response: { 200: Type.Object({ version: Type.String(), model: Type.String() }) },
        },
      },
      async () => ({ version: VERSION, model: context.models.defaultModel }),
    );
  },
};
