/**
 * The eSpeak NG command-line program, compiled to WebAssembly (the `espeak-ng` npm package),
 * run in-process many times over one instance.
 *
 * Starting an instance costs about 100–150 ms (18 MB of voice data are unpacked into its
 * in-memory file system), far more than speaking a sentence. The build exports only `main`,
 * and `main` keeps state in C globals (getopt's position, the synthesiser's settings), so it
 * cannot simply be called twice. What makes reuse safe is that all of that state lives in the
 * instance's linear memory: a copy of the memory is taken once, right after start-up, and put
 * back before every run, so each run starts from exactly the state a fresh instance has (the
 * tests check that the audio is byte-identical). Restoring the 32 MB costs a few milliseconds.
 * A run that traps (out of memory, an abort) throws the instance away; the next run makes a
 * new one from the compiled module, which is kept.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { EarshotError, SpeechError } from '../../errors.js';

const require = createRequire(import.meta.url);

/** The parts of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}
type WasmModule = object;
interface WasmInstance {
  exports: object;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  stackSave(): number;
  stackRestore(pointer: number): void;
  fflush(stream: number): number;
  __main_argc_argv(argc: number, argv: number): number;
}

interface EmscriptenFs {
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
  mkdirTree?(path: string): void;
  analyzePath(path: string): { exists: boolean };
  streams: ({ fd: number } | null | undefined)[];
  close(stream: unknown): void;
}

interface EmscriptenModule {
  FS: EmscriptenFs;
}

type ModuleFactory = (options: Record<string, unknown>) => Promise<EmscriptenModule>;

/** What one run of the program produced. */
export interface EspeakRunResult {
  /** The program's exit status (0: success). */
  status: number;
  stdout: string[];
  stderr: string[];
  /** The bytes of `outputFile`, if it was asked for and written. */
  file: Uint8Array | null;
}

let compiled: Promise<{ factory: ModuleFactory; module: WasmModule }> | null = null;

/** Loads the JavaScript glue and compiles the WebAssembly once per process. */
function loadCompiled(): Promise<{ factory: ModuleFactory; module: WasmModule }> {
  compiled ??= (async () => {
    const glue = (await import(
      pathToFileURL(require.resolve('espeak-ng/dist/espeak-ng.js')).href
    )) as { default: ModuleFactory };
    const bytes = await readFile(require.resolve('espeak-ng/dist/espeak-ng.wasm'));
    return { factory: glue.default, module: await wasm.compile(bytes) };
  })();
  compiled.catch(() => {
    compiled = null;
  });
  return compiled;
}

function isExitStatus(error: unknown): error is { status: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ExitStatus' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/** One eSpeak NG instance, reset to its start-up state before every run. */
export class EspeakRuntime {
  private stdout: string[] = [];
  private stderr: string[] = [];
  private snapshot: Uint8Array | null = null;
  private exports: WasmExports | null = null;
  private module: EmscriptenModule | null = null;
  private broken = false;

  private constructor() {}

  /** Starts a new instance (the compiled module is shared between instances). */
  static async create(): Promise<EspeakRuntime> {
    const runtime = new EspeakRuntime();
    try {
      await runtime.start();
    } catch (error) {
      if (error instanceof EarshotError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new SpeechError('speech_synthesis_failed', `eSpeak NG could not start: ${reason}`, {
        cause: error,
      });
    }
    return runtime;
  }

  private async start(): Promise<void> {
    const { factory, module } = await loadCompiled();
    const holder: { exports?: WasmExports } = {};
    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    const ready = factory({
      noInitialRun: true,
      thisProgram: 'espeak-ng',
      arguments: [],
      print: (line: string) => this.stdout.push(line),
      printErr: (line: string) => this.stderr.push(line),
      // The default sets process.exitCode on every exit; report the status to the caller only.
      quit: (_status: number, toThrow: unknown) => {
        throw toThrow;
      },
      instantiateWasm: (imports: object, receive: (instance: WasmInstance) => void) => {
        wasm.instantiate(module, imports).then((instance) => {
          holder.exports = instance.exports as unknown as WasmExports;
          receive(instance);
        }, fail);
        return {};
      },
    });
    this.module = await Promise.race([ready, failed]);
    const exports = holder.exports;
    if (!exports)
      throw new SpeechError(
        'speech_synthesis_failed',
        'eSpeak NG did not start: its module has no exports.',
      );
    this.exports = exports;
    this.snapshot = new Uint8Array(exports.memory.buffer).slice();
  }

  /** False once a run has trapped; such an instance must be replaced. */
  get usable(): boolean {
    return !this.broken;
  }

  /**
   * Runs `espeak-ng <args>` synchronously. With `outputFile` (a path inside the instance, as
   * given to `-w`), returns that file's bytes and removes it.
   */
  run(args: readonly string[], options: { outputFile?: string } = {}): EspeakRunResult {
    const exports = this.exports;
    const module = this.module;
    const snapshot = this.snapshot;
    if (this.broken || !exports || !module || !snapshot) {
      throw new SpeechError('speech_synthesis_failed', 'The eSpeak NG instance is not usable.');
    }
    new Uint8Array(exports.memory.buffer).set(snapshot);
    this.stdout = [];
    this.stderr = [];
    const stack = exports.stackSave();
    let status: number;
    try {
      const argv = this.writeArguments(exports, ['espeak-ng', ...args]);
      status = exports.__main_argc_argv(args.length + 1, argv);
      exports.fflush(0);
    } catch (error) {
      if (isExitStatus(error)) status = error.status;
      else {
        this.broken = true;
        throw new SpeechError('speech_synthesis_failed', 'eSpeak NG failed while speaking.', {
          cause: error,
        });
      }
    } finally {
      exports.stackRestore(stack);
      this.closeLeakedFiles(module.FS);
    }
    let file: Uint8Array | null = null;
    if (options.outputFile && module.FS.analyzePath(options.outputFile).exists) {
      file = module.FS.readFile(options.outputFile);
      module.FS.unlink(options.outputFile);
    }
    return { status, stdout: this.stdout, stderr: this.stderr, file };
  }

  /** Copies the arguments into fresh heap memory (the next restore frees it all). */
  private writeArguments(exports: WasmExports, args: readonly string[]): number {
    const encoder = new TextEncoder();
    const pointers = args.map((arg) => {
      const bytes = encoder.encode(`${arg}\0`);
      const pointer = exports.malloc(bytes.length);
      if (pointer === 0) throw new RangeError('eSpeak NG is out of memory for its arguments');
      new Uint8Array(exports.memory.buffer).set(bytes, pointer);
      return pointer;
    });
    const argv = exports.malloc(4 * (pointers.length + 1));
    const view = new DataView(exports.memory.buffer);
    pointers.forEach((pointer, index) => {
      view.setUint32(argv + 4 * index, pointer, true);
    });
    view.setUint32(argv + 4 * pointers.length, 0, true);
    return argv;
  }

  /**
   * Files a run left open (it exited early) would pile up in the JavaScript side of the file
   * system; the C side forgets them when memory is restored, so close them here.
   */
  private closeLeakedFiles(fs: EmscriptenFs): void {
    for (const stream of fs.streams) {
      if (stream && stream.fd > 2) fs.close(stream);
    }
  }
}

let shared: Promise<EspeakRuntime> | null = null;

/** The process-wide instance, started on first use and replaced if a run breaks it. */
export async function sharedEspeakRuntime(): Promise<EspeakRuntime> {
  if (shared) {
    const runtime = await shared;
    if (runtime.usable) return runtime;
  }
  shared = EspeakRuntime.create();
  shared.catch(() => {
    shared = null;
  });
  return shared;
}
