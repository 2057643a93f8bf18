// Worker-thread entry that runs COCO-SSD on TensorFlow.js (wasm backend) and nothing else.
//
// Plain JavaScript on purpose: a worker thread starts with a fresh module loader, so a .ts entry would
// need tsx (npm start, the CLI), @swc/jest (tests) and esbuild (Lambda) to each agree on how to load it.
// A plain ESM file runs unchanged under all three and bundles to one CommonJS file for Lambda.
// It therefore stays small: decoding, post-processing and the label vocabulary live in typed TS on the
// caller's side (classifier/*.ts); the message shapes are mirrored in classifier/worker-protocol.ts.
//
// No top-level await, so that esbuild can bundle this file to CommonJS.
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Each candidate is 6 floats: class index, score, top, left, bottom, right (fractions of the input). */
const CANDIDATE_STRIDE = 6;

/** Reads model.json and its shards from disk: the converter's default loader would use fetch(). */
async function loadModel(modelDir) {
  const manifest = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'));
  const groups = manifest.weightsManifest ?? [];
  const shards = await Promise.all(groups.flatMap((g) => g.paths).map((p) => readFile(join(modelDir, p))));
  const weights = Buffer.concat(shards);
  const handler = tf.io.fromMemory({
    modelTopology: manifest.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  });
  return loadGraphModel(handler);
}

/**
 * Runs the graph on one RGB image and keeps every (anchor, class) pair scoring at least minScore.
 * The graph's own outputs are per-anchor sigmoid scores [1, anchors, 90] and boxes [1, anchors, 1, 4];
 * non-max suppression happens on the caller's side, per class.
 */
async function detect(model, { pixels, width, height, minScore }) {
  const input = tf.tensor4d(Int32Array.from(pixels), [1, height, width, 3], 'int32');
  let outputs = [];
  try {
    outputs = await model.executeAsync(input);
    const [scoresTensor, boxesTensor] = outputs;
    const [, anchors, classes] = scoresTensor.shape;
    const [scores, boxes] = await Promise.all([scoresTensor.data(), boxesTensor.data()]);
    const kept = [];
    for (let a = 0; a < anchors; a++) {
      for (let c = 0; c < classes; c++) {
        const score = scores[a * classes + c];
        if (score >= minScore) {
          kept.push(c, score, boxes[a * 4], boxes[a * 4 + 1], boxes[a * 4 + 2], boxes[a * 4 + 3]);
        }
      }
    }
    return Float32Array.from(kept);
  } finally {
    input.dispose();
    tf.dispose(outputs);
  }
}

async function start({ modelDir, wasmDir }) {
  const started = performance.now();
  // setWasmPaths takes a prefix that is concatenated with the file name: it must end with a separator.
  setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  const model = await loadModel(modelDir);
  // One warm-up pass allocates the kernels' buffers, so the first real image is not the slow one.
  await detect(model, { pixels: new Uint8Array(300 * 300 * 3), width: 300, height: 300, minScore: 1.1 });
  return { model, loadMs: performance.now() - started };
}

function serve(model) {
  parentPort.on('message', (message) => {
    if (message?.type !== 'detect') return;
    const started = performance.now();
    detect(model, message).then(
      (candidates) =>
        parentPort.postMessage(
          {
            type: 'result',
            id: message.id,
            candidates,
            stride: CANDIDATE_STRIDE,
            inferenceMs: performance.now() - started,
          },
          [candidates.buffer],
        ),
      (error) => parentPort.postMessage({ type: 'error', id: message.id, message: String(error?.message ?? error) }),
    );
  });
}

start(workerData).then(
  ({ model, loadMs }) => {
    serve(model);
    parentPort.postMessage({ type: 'ready', backend: tf.getBackend(), loadMs });
  },
  (error) => parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) }),
);
