/**
 * Run as a separate process by the lock test: resolves one model from a hub into a cache folder
 * and prints every download event as a JSON line, then `{"type":"resolved"}`.
 * Arguments: hub URL, cache folder, model id, kind.
 */

import type { ModelKind } from '../../src/models/model-kinds.js';
import { ModelStore } from '../../src/models/model-store.js';

const [hubUrl, dir, id, kind] = process.argv.slice(2) as [string, string, string, ModelKind];
const store = new ModelStore({
  dir,
  hubUrl,
  offline: false,
  token: null,
  timeoutS: 60,
  onProgress: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
});
const model = await store.resolve(id, { kind });
process.stdout.write(`${JSON.stringify({ type: 'resolved', source: model.source })}\n`);
