/**
 * The default way a server turns a model id into a `TranscriptionModel`: a Whisper model folder
 * in the onnx-community layout, found as a local path or under the models folder, loaded
 * through the shared session pool.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { WhisperModel, whisperFilesIn } from '../asr/whisper/whisper-model.js';
import { ModelError } from '../errors.js';
import type { SessionPool } from '../models/session-pool.js';
import type { ModelLoader } from './model-registry.js';

export interface WhisperFolderLoaderOptions {
  /** The models folder (`models.dir`); ids that are not paths are looked up inside it. */
  modelsDir: string;
  pool: SessionPool;
  /** Base of relative paths. Default: the working directory. */
  cwd?: string;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Where the files of `modelId` are: an existing local folder, else `<modelsDir>/<modelId>`. */
export async function modelFolder(
  modelId: string,
  options: Pick<WhisperFolderLoaderOptions, 'modelsDir' | 'cwd'>,
): Promise<string> {
  const local = isAbsolute(modelId) ? modelId : resolve(options.cwd ?? process.cwd(), modelId);
  if (
    (isAbsolute(modelId) || modelId.startsWith('.') || modelId.includes('\\')) &&
    !(await isFolder(local))
  ) {
    throw new ModelError('model_file_missing', `The model folder ${local} does not exist.`, {
      details: { model: modelId, folder: local },
    });
  }
  if (await isFolder(local)) return local;
  const cached = join(options.modelsDir, modelId);
  if (await isFolder(cached)) return cached;
  throw new ModelError(
    'model_file_missing',
    `The model "${modelId}" is not in the models folder: put its files (config.json, tokenizer.json, onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx, as in the onnx-community Whisper repositories) in ${cached}, or name a local folder.`,
    { details: { model: modelId, folder: cached } },
  );
}

export function whisperFolderLoader(options: WhisperFolderLoaderOptions): ModelLoader {
  return async (modelId) =>
    WhisperModel.load(whisperFilesIn(await modelFolder(modelId, options)), options.pool, modelId);
}
