/**
 * Messages between the classifier and its worker threads (classifier/model-worker.mjs).
 * The worker is plain JavaScript (see its header for why); these types are the contract it keeps.
 */

/** Given to each worker at start. */
export interface ModelWorkerData {
  /** Folder holding model.json and its weight shards. */
  modelDir: string;
  /** Folder holding the tfjs-backend-wasm *.wasm binaries. */
  wasmDir: string;
}

/** One image for the model: tightly packed RGB, 3 bytes per pixel, row by row. */
export interface DetectRequest {
  type: 'detect';
  id: number;
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Raw model scores below this are not sent back. */
  minScore: number;
}

export type WorkerReply =
  /** fastPath: the model runs as one synchronous execute() (see model-worker.mjs), not op by op. */
  | { type: 'ready'; backend: string; loadMs: number; fastPath?: boolean }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; candidates: Float32Array; stride: number; inferenceMs: number }
  | { type: 'error'; id: number; message: string };

export type DetectResult = Extract<WorkerReply, { type: 'result' }>;
