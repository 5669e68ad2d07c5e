/**
 * What tests on fixture models need to load them the way real models load: a session pool with
 * one thread per model (deterministic and light on a busy machine) and a model store that never
 * goes to the network, through which fixture folders resolve exactly as a user's folder does.
 */
import { join } from 'node:path';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';

/** A pool with one intra- and one inter-op thread, sessions kept until `close()`. */
export function singleThreadPool(): SessionPool {
  return new SessionPool({
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    idleTtlS: 0,
  });
}

/** An offline store caching under `dir/cache`; its hub address refuses connections. */
export function offlineStore(dir: string): ModelStore {
  return new ModelStore({
    dir: join(dir, 'cache'),
    hubUrl: 'http://127.0.0.1:9',
    offline: true,
    token: null,
    timeoutS: 5,
  });
}
