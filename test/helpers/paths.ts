import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Real reference data shared by the project (tests may read it; the product never does). */
export const SHARED_DATA = join(ROOT, '..', 'shared', 'data');
export const JFK_FLAC = join(SHARED_DATA, 'audio', 'jfk.flac');
export const GOLDEN = join(ROOT, 'test', 'golden');
