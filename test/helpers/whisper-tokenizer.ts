import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WhisperTokenizer } from '../../src/asr/tokenizer/whisper-tokenizer.js';
import { SHARED_DATA } from './paths.js';

let cached: WhisperTokenizer | null = null;

/** Whisper's real multilingual tokenizer, from the shared tiny model folder. */
export function whisperTokenizer(): WhisperTokenizer {
  cached ??= new WhisperTokenizer(
    JSON.parse(readFileSync(join(SHARED_DATA, 'whisper-tiny-config', 'tokenizer.json'), 'utf8')),
  );
  return cached;
}
