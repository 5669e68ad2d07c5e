/**
 * The worker-thread side of `WorkerTranscriptionModel`: loads the Whisper engine with a session
 * pool of its own and answers transcription and language detection requests. onnxruntime-node
 * runs inference on the calling thread, so a model in a worker keeps the main thread, and every
 * other model there, free while it computes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toEarshotError } from '../../errors.js';
import { SessionPool } from '../../models/session-pool.js';
import { WhisperModel } from '../whisper/whisper-model.js';
import type { FromWorker, ModelWorkerData, PortableError, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('model-worker runs as a worker thread');

const post = (message: FromWorker) => port.postMessage(message);
const portable = (error: unknown): PortableError => {
  const earshot = toEarshotError(error);
  return { code: earshot.code, message: earshot.message, details: earshot.details };
};

const data = workerData as ModelWorkerData;
const pool = new SessionPool(data.pool);
const running = new Map<number, AbortController>();

async function serve(model: WhisperModel, message: ToWorker): Promise<void> {
  if (message.type === 'abort') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  const audio = { samples: message.samples, sampleRate: message.sampleRate };
  try {
    if (message.type === 'detect') {
      const result = await model.detectLanguage(audio);
      post({ type: 'result', id: message.id, result });
      return;
    }
    const { reportProgress, reportSegments, ...options } = message.options;
    const result = await model.transcribe(audio, {
      ...options,
      signal: controller.signal,
      ...(reportProgress
        ? { onProgress: (progress) => post({ type: 'progress', id: message.id, progress }) }
        : {}),
      ...(reportSegments
        ? { onSegment: (segment) => post({ type: 'segment', id: message.id, segment }) }
        : {}),
    });
    post({ type: 'result', id: message.id, result });
  } catch (error) {
    const reported = portable(error);
    try {
      post({ type: 'error', id: message.id, error: reported });
    } catch {
      // Details that cannot be cloned stay behind; the code and message still go.
      post({ type: 'error', id: message.id, error: { ...reported, details: {} } });
    }
  } finally {
    running.delete(message.id);
  }
}

WhisperModel.load(data.model, pool).then(
  (model) => {
    port.on('message', (message: ToWorker) => void serve(model, message));
    post({ type: 'ready' });
  },
  (error: unknown) => post({ type: 'failed', error: portable(error) }),
);
