import { relative } from 'node:path';
import type { Command } from 'commander';
import { InvalidRequestError } from '../../errors.js';
import { DTYPES, parseDtype } from '../../models/dtypes.js';
import {
  guessKind,
  isModelKind,
  MODEL_KIND_NAMES,
  type ModelKind,
} from '../../models/model-kinds.js';
import { parseModelRef } from '../../models/model-ref.js';
import { ModelStore, modelStoreOptions } from '../../models/model-store.js';
import { type CliContext, examples } from '../context.js';
import { downloadProgress, formatBytes } from '../download-progress.js';

function kindFor(model: string, given: string | undefined): ModelKind {
  if (given !== undefined) {
    if (isModelKind(given)) return given;
    throw new InvalidRequestError(
      'invalid_parameter',
      `Unknown model kind "${given}"; use one of ${MODEL_KIND_NAMES.join(', ')}.`,
    );
  }
  const parsed = parseModelRef(model);
  const guessed = guessKind(parsed.type === 'hub' ? parsed.id : parsed.folder);
  if (guessed) return guessed;
  throw new InvalidRequestError(
    'invalid_parameter',
    `Cannot tell what kind of model ${model} is; name it with --kind (${MODEL_KIND_NAMES.join(', ')}).`,
  );
}

function store(ctx: CliContext): ModelStore {
  return new ModelStore({
    ...modelStoreOptions(ctx.config),
    onProgress: downloadProgress(ctx.stderr),
  });
}

export function registerModelsCommands(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  const models = program
    .command('models')
    .description('download, list and remove the models Earshot runs')
    .addHelpText(
      'after',
      examples([
        'earshot models pull onnx-community/whisper-base --dtype q8',
        'earshot models list',
        'earshot models rm onnx-community/whisper-base',
      ]),
    );

  models
    .command('pull')
    .description(
      'download the files a model needs into the cache (EARSHOT_MODELS_DIR), resuming and verifying them; files already current are kept',
    )
    .argument(
      '<model>',
      'hub id such as onnx-community/whisper-base (optionally @revision), or a local folder to check',
    )
    .option('--dtype <dtype>', `weight format: ${DTYPES.join(', ')}`, 'fp32')
    .option(
      '--kind <kind>',
      `model kind: ${MODEL_KIND_NAMES.join(', ')} (default: guessed from the id)`,
    )
    .option('--voice <voice>', 'voice, for kinds with voices (Piper voice path, Kokoro voice name)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples([
        'earshot models pull onnx-community/whisper-tiny',
        'earshot models pull onnx-community/whisper-small --dtype q8',
        'earshot models pull onnx-community/whisper-base@main --kind whisper',
        'HF_TOKEN=hf_... earshot models pull my-org/private-whisper',
        'earshot models pull rhasspy/piper-voices --kind piper --voice en/en_US/lessac/medium/en_US-lessac-medium',
      ]),
    )
    .action(
      async (
        model: string,
        options: { dtype: string; kind?: string; voice?: string; json?: boolean },
        command: Command,
      ) => {
        const ctx = context(command);
        const kind = kindFor(model, options.kind);
        const resolved = await store(ctx).pull(model, {
          kind,
          dtype: parseDtype(options.dtype),
          ...(options.voice ? { voice: options.voice } : {}),
        });
        if (options.json) {
          ctx.stdout.write(`${JSON.stringify(resolved, null, 2)}\n`);
          return;
        }
        const files = Object.values(resolved.files as Record<string, string>).map((path) =>
          relative(resolved.folder, path),
        );
        ctx.stdout.write(
          `${resolved.name} (${kind}, ${resolved.dtype}) is ready in ${resolved.folder}\n${files.map((file) => `  ${file}`).join('\n')}\n`,
        );
      },
    );

  models
    .command('list')
    .description('list cached models with their size and the dtypes present')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['earshot models list', 'earshot models list --json']))
    .action(async (options: { json?: boolean }, command: Command) => {
      const ctx = context(command);
      const cached = await store(ctx).list();
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify(cached, null, 2)}\n`);
        return;
      }
      if (cached.length === 0) {
        ctx.stdout.write(`no models in ${ctx.config.models.dir}\n`);
        return;
      }
      const rows = cached.map((model) => [
        model.revision === 'main' ? model.id : `${model.id}@${model.revision}`,
        formatBytes(model.sizeBytes),
        model.dtypes.join(',') || '-',
        String(model.files),
      ]);
      const header = ['MODEL', 'SIZE', 'DTYPES', 'FILES'];
      const widths = header.map((title, i) =>
        Math.max(title.length, ...rows.map((row) => (row[i] as string).length)),
      );
      const format = (row: string[]) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] as number))
          .join('  ')
          .trimEnd();
      ctx.stdout.write(`${[header, ...rows].map(format).join('\n')}\n`);
    });

  models
    .command('rm')
    .description('remove a cached model, or only its ONNX files of one dtype')
    .argument('<model>', 'hub id (optionally @revision)')
    .option('--dtype <dtype>', 'remove only the ONNX files of this dtype')
    .addHelpText(
      'after',
      examples([
        'earshot models rm onnx-community/whisper-base',
        'earshot models rm onnx-community/whisper-base --dtype fp32',
      ]),
    )
    .action(async (model: string, options: { dtype?: string }, command: Command) => {
      const ctx = context(command);
      const removed = await store(ctx).remove(model, {
        ...(options.dtype ? { dtype: parseDtype(options.dtype) } : {}),
      });
      ctx.stdout.write(
        removed.length === 0
          ? `${model} has no ${options.dtype} files\n`
          : `removed ${removed.length} file(s) of ${model}\n`,
      );
    });
}
