/**
 * Request and response schemas of `POST /v1/audio/speech` (field for field as OpenAI's API and
 * the `openai` client's `SpeechCreateParams`) and of Earshot's `GET /v1/audio/voices`.
 */
import { Type } from 'typebox';
import { AUDIO_OUTPUT_FORMATS, audioOutputFormats } from '../../audio/encode.js';
import { SPEECH_SPEED_RANGE } from '../../tts/synthesize.js';

export const SpeechBody = Type.Object({
  model: Type.Optional(
    Type.String({
      description:
        'The speech model: OpenAI names (`tts-1`, `tts-1-hd`, `gpt-4o-mini-tts`) and an empty value mean the configured engine (`tts.engine`); or an engine (`espeak-ng`, `piper`, `kokoro`), optionally with its model after a colon (`piper:rhasspy/piper-voices`, `kokoro:./my-kokoro`).',
    }),
  ),
  input: Type.String({
    description:
      'The text to speak, up to 4096 characters (`tts.maxInputChars`). Markup, emoji and addresses are cleaned; numbers, dates and money are read as words in English and Polish.',
  }),
  voice: Type.Optional(
    Type.Union(
      [Type.String(), Type.Object({ id: Type.String() }, { description: 'A voice given by id.' })],
      {
        description:
          "A voice of the model (`GET /v1/audio/voices`). eSpeak NG takes OpenAI's names (`alloy`, `nova`, …), languages (`pl`, `en-us`) and variants (`en-us+f3`); Piper takes voice names (`pl_PL-gosia-medium`); Kokoro takes its voices (`af_heart`) and OpenAI names it has. Default: `tts.voice`, else the model's own.",
      },
    ),
  ),
  instructions: Type.Optional(
    Type.String({
      description:
        "Style instructions. Earshot's engines have no style control: they are ignored with a warning in the log.",
    }),
  ),
  response_format: Type.Optional(
    Type.Enum(AUDIO_OUTPUT_FORMATS, {
      description:
        "Audio format (default `mp3`). `pcm` is raw 16-bit little-endian mono at the voice's rate (22050 Hz for eSpeak NG and most Piper voices, 24000 Hz for Kokoro).",
      default: 'mp3',
    }),
  ),
  speed: Type.Optional(
    Type.Number({
      minimum: SPEECH_SPEED_RANGE.min,
      maximum: SPEECH_SPEED_RANGE.max,
      description: 'Tempo from 0.25 to 4 (default 1), at the same pitch.',
    }),
  ),
  stream_format: Type.Optional(
    Type.Enum(['audio', 'sse'], {
      description:
        '`audio` (default): the audio file, streamed as it is made, sentence by sentence. `sse`: server-sent events, `speech.audio.delta` with base64 chunks of the audio, then `speech.audio.done`.',
      default: 'audio',
    }),
  ),
});

/** 200 answers: the audio in its format, or server-sent events. */
export const speechResponses = {
  200: {
    description: 'The speech, streamed as it is synthesised.',
    content: {
      ...Object.fromEntries(
        AUDIO_OUTPUT_FORMATS.map((format) => [
          audioOutputFormats[format].mimeType,
          { schema: Type.String({ format: 'binary' }) },
        ]),
      ),
      'text/event-stream': { schema: Type.String() },
    },
  },
};

export const VoicesQuery = Type.Object({
  model: Type.Optional(
    Type.String({
      description: 'The speech model, as in `POST /v1/audio/speech` (default `tts.engine`).',
    }),
  ),
});

const Voice = Type.Object({
  id: Type.String({ description: 'What to send as `voice`.' }),
  name: Type.String(),
  languages: Type.Array(Type.String(), { description: 'Language tags, the main one first.' }),
  gender: Type.Optional(Type.Enum(['female', 'male'])),
});

export const VoiceList = Type.Object({
  object: Type.Literal('list'),
  model: Type.String({ description: 'The engine and model the voices belong to.' }),
  data: Type.Array(Voice),
});
