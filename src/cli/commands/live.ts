import type { Command } from 'commander';
import { fromEvent, lastValueFrom, type Observable, takeUntil, tap } from 'rxjs';
import { openTranscriptionModel } from '../../asr/load-model.js';
import type { TranscriptionModel } from '../../asr/types.js';
import { loadAudio } from '../../audio/load.js';
import { EarshotError, InvalidRequestError, isErrorCode } from '../../errors.js';
import { DTYPES, parseDtype } from '../../models/dtypes.js';
import { ModelStore, modelStoreOptions } from '../../models/model-store.js';
import { SessionPool, sessionPoolOptions } from '../../models/session-pool.js';
import type { EndpointDetector } from '../../stream/endpoints.js';
import type { LiveEvent } from '../../stream/events.js';
import { liveTranscription } from '../../stream/pipeline.js';
import { pacedAudio, pcmAudio } from '../../stream/sources.js';
import { vadEndpoints } from '../../stream/vad-endpoints.js';
import { sileroVadFromConfig } from '../../vad/silero.js';
import { vadOptionsFromConfig } from '../../vad/vad-options.js';
import { type CliContext, examples } from '../context.js';
import { downloadProgress } from '../download-progress.js';
import { transcriptView } from '../live-render.js';
import { parseRawOption } from '../options.js';
import { audioOptions } from './audio.js';

interface LiveCommandOptions {
  model?: string;
  draftModel?: string;
  /** False with --no-draft. */
  draft: boolean;
  /** False with --no-vad. */
  vad: boolean;
  json?: boolean;
  language?: string;
  raw?: string;
  speed?: string;
  dtype?: string;
}

export function registerLiveCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('live')
    .description(
      'transcribe as audio arrives: fast drafts (dim grey) confirmed or corrected by an accurate pass (bright)',
    )
    .argument('[file]', 'audio file played in real time, or "-" for raw s16le PCM on stdin', '-')
    .option(
      '--model <id|folder>',
      'confirm-pass Whisper model: hub id or folder (default: live.model, else asr.model)',
    )
    .option(
      '--draft-model <id|folder>',
      'draft-pass model (default: $EARSHOT_LIVE_DRAFT_MODEL, else --model in both roles)',
    )
    .option('--no-draft', 'confirmed text only, no drafts (for machines too slow for two passes)')
    .option(
      '--no-vad',
      'no voice activity detection: the input is one utterance, cut at long buffers',
    )
    .option('--json', 'print every event as one JSON line instead of the transcript')
    .option('--language <code>', 'spoken language (default: detected)')
    .option('--raw <rate[:channels]>', 'layout of the PCM on stdin (default 16000:1)')
    .option('--speed <factor>', 'play a file this many times faster than real time', '1')
    .option('--dtype <type>', `weights to load: ${DTYPES.join(', ')} (default: asr.dtype)`)
    .addHelpText(
      'after',
      examples([
        'earshot live interview.wav',
        'earshot live --draft-model onnx-community/whisper-tiny --model onnx-community/whisper-small talk.mp3',
        'arecord -q -f S16_LE -r 16000 -c 1 | earshot live --model ./models/whisper-base -',
        'earshot live --json --model onnx-community/whisper-base call.flac > events.jsonl',
        'earshot live --no-draft --dtype q8 --model onnx-community/whisper-small lecture.m4a',
        'earshot live --no-vad --json podcast.mp3 | jq -c \'select(.type == "final")\'',
      ]),
    )
    .action(async (file: string, options: LiveCommandOptions, command: Command) => {
      const ctx = context(command);
      const speed = parseSpeed(options.speed);
      const dtype = options.dtype ? parseDtype(options.dtype) : ctx.config.asr.dtype;
      const confirmRef = options.model ?? ctx.config.live.model ?? ctx.config.asr.model;
      const draftRef = options.draftModel ?? ctx.config.live.draftModel ?? confirmRef;
      const store = new ModelStore({
        ...modelStoreOptions(ctx.config),
        onProgress: downloadProgress(ctx.stderr),
      });
      const pool = new SessionPool(sessionPoolOptions(ctx.config));
      const open = (ref: string, inWorker = false) =>
        openTranscriptionModel(ref, { dtype, store, pool, inWorker });
      const models: TranscriptionModel[] = [];
      let detector: EndpointDetector | null = null;
      try {
        // With a separate draft model, the confirm model computes in a worker thread: inference
        // holds the thread that runs it, and drafts must not wait for a confirmation's windows.
        const confirm = await open(confirmRef, options.draft && draftRef !== confirmRef);
        models.push(confirm);
        const draft = !options.draft
          ? null
          : draftRef === confirmRef
            ? confirm
            : await open(draftRef);
        if (draft && draft !== confirm) models.push(draft);
        if (options.vad && ctx.config.live.vad) {
          detector = await vadEndpoints(sileroVadFromConfig(ctx.config, pool), {
            ...vadOptionsFromConfig(ctx.config),
            endpointSilenceMs: ctx.config.live.endpointSilenceMs,
          });
        }
        const audio$ = await liveSource(file, options, ctx, speed);
        const transcribe = options.language ? { language: options.language } : {};
        const view = options.json ? null : transcriptView(ctx.stdout);
        let fatal: LiveEvent | null = null;
        await lastValueFrom(
          liveTranscription(audio$.pipe(takeUntil(fromEvent(process, 'SIGINT'))), {
            draft: draft
              ? {
                  model: draft,
                  options: { ...transcribe, audioContext: ctx.config.live.draftAudioContext },
                }
              : null,
            confirm: {
              model: confirm,
              options: { ...transcribe, audioContext: ctx.config.live.confirmAudioContext },
            },
            detector,
            speed,
            draftStepMs: ctx.config.live.draftStepMs,
            confirmStepMs: ctx.config.live.confirmStepMs,
            agreement: ctx.config.live.agreement,
            holdBack: ctx.config.live.holdBack,
            trimAfterS: ctx.config.live.trimAfterS,
            maxBufferS: ctx.config.live.maxBufferS,
          }).pipe(
            tap((event) => {
              if (view) view.update(event);
              else ctx.stdout.write(`${JSON.stringify(event)}\n`);
              if (event.type === 'error') {
                if (event.fatal) fatal = event;
                else ctx.logger.warn({ code: event.error.code, pass: event.source }, 'pass failed');
              }
            }),
          ),
          { defaultValue: null },
        );
        view?.finish();
        const failure = fatal as Extract<LiveEvent, { type: 'error' }> | null;
        if (failure) {
          const { code, message } = failure.error;
          throw new EarshotError(isErrorCode(code) ? code : 'internal_error', message);
        }
      } finally {
        detector?.close?.();
        for (const model of models) await model.close();
        await pool.close();
      }
    });
}

async function liveSource(
  file: string,
  options: LiveCommandOptions,
  ctx: CliContext,
  speed: number,
): Promise<Observable<Float32Array>> {
  if (file === '-') {
    const { raw } = parseRawOption(options.raw ?? '16000');
    const stdin = (ctx.stdin ?? process.stdin) as AsyncIterable<Uint8Array>;
    return pcmAudio(stdin, raw ?? { sampleRate: 16_000 });
  }
  const audio = await loadAudio(file, audioOptions(ctx.config));
  return pacedAudio(audio.samples, { speed });
}

function parseSpeed(value: string | undefined): number {
  const speed = Number(value ?? '1');
  if (!(Number.isFinite(speed) && speed > 0 && speed <= 1000)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--speed must be a number above 0 (at most 1000), got "${value}".`,
    );
  }
  return speed;
}
