/**
 * Reading a Whisper model folder in the `onnx-community/whisper-*` layout: the architecture from
 * `config.json`, alignment heads from `generation_config.json`, and the tokenizer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../../errors.js';
import { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import type { WhisperArchitecture } from './onnx-runtime.js';

async function readJson(folder: string, file: string): Promise<Record<string, unknown>> {
  const path = join(folder, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelError(
      'model_file_missing',
      `The Whisper model folder ${folder} has no ${file}.`,
      { cause: error, details: { path } },
    );
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ModelError(
      'model_corrupt',
      `${path} is not valid JSON: ${(error as Error).message}`,
      { cause: error, details: { path } },
    );
  }
}

function integerField(config: Record<string, unknown>, key: string, file: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ModelError(
      'model_corrupt',
      `${file} has no valid "${key}" (found ${JSON.stringify(value)}).`,
    );
  }
  return value;
}

export interface WhisperFolder {
  architecture: WhisperArchitecture;
  tokenizer: WhisperTokenizer;
}

export async function readWhisperFolder(folder: string): Promise<WhisperFolder> {
  const [config, generation, tokenizerJson] = await Promise.all([
    readJson(folder, 'config.json'),
    readJson(folder, 'generation_config.json').catch(() => ({}) as Record<string, unknown>),
    readJson(folder, 'tokenizer.json'),
  ]);
  if (config['model_type'] !== 'whisper') {
    throw new ModelError(
      'model_corrupt',
      `${join(folder, 'config.json')} describes a "${String(config['model_type'])}" model, not Whisper.`,
    );
  }
  const nMels = integerField(config, 'num_mel_bins', 'config.json');
  if (nMels !== 80 && nMels !== 128)
    throw new ModelError(
      'model_corrupt',
      `config.json has num_mel_bins ${nMels}; Whisper uses 80 or 128.`,
    );
  const dModel = integerField(config, 'd_model', 'config.json');
  const decoderHeads = integerField(config, 'decoder_attention_heads', 'config.json');
  const decoderLayers = integerField(config, 'decoder_layers', 'config.json');
  const alignmentHeads = (
    Array.isArray(generation['alignment_heads']) ? generation['alignment_heads'] : []
  ) as Array<[number, number]>;
  // Without published alignment heads, OpenAI uses every head of the upper half of the decoder.
  const heads: Array<[number, number]> =
    alignmentHeads.length > 0
      ? alignmentHeads
      : Array.from(
          { length: decoderLayers - Math.floor(decoderLayers / 2) },
          (_, index) => Math.floor(decoderLayers / 2) + index,
        ).flatMap((layer) =>
          Array.from({ length: decoderHeads }, (_, head) => [layer, head] as [number, number]),
        );
  let tokenizer: WhisperTokenizer;
  try {
    tokenizer = new WhisperTokenizer(tokenizerJson as never);
  } catch (error) {
    throw new ModelError(
      'model_corrupt',
      `${join(folder, 'tokenizer.json')} is not a Whisper tokenizer: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    architecture: {
      nMels,
      nAudioCtx: integerField(config, 'max_source_positions', 'config.json'),
      nTextCtx: integerField(config, 'max_target_positions', 'config.json'),
      nVocab: integerField(config, 'vocab_size', 'config.json'),
      alignmentHeads: heads,
      decoderLayers,
      decoderHeads,
      dModel,
    },
    tokenizer,
  };
}
