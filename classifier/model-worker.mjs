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
 * COCO-SSD's graph resizes its input to 300x300 inside a while-loop, and a graph with a loop must run
 * op by op through executeAsync. Doing that same resize (the graph's own ResizeBilinear, corners not
 * aligned) before the loop and feeding the loop's output node lets the rest run as one synchronous
 * execute(). start() checks that both paths give the same scores before using the fast one.
 */
const RESIZED_INPUT = 'Preprocessor/map/TensorArrayStack/TensorArrayGatherV3';
const GRAPH_INPUT_SIDE = 300;

function runFast(model, pixels, width, height) {
  return tf.tidy(() => {
    const image = tf.tensor3d(Float32Array.from(pixels), [height, width, 3], 'float32');
    const resized = tf.expandDims(tf.image.resizeBilinear(image, [GRAPH_INPUT_SIDE, GRAPH_INPUT_SIDE], false, false), 0);
    return model.execute({ [RESIZED_INPUT]: resized }, model.outputs.map((o) => o.name));
  });
}

async function runGraph(model, pixels, width, height) {
  const input = tf.tensor4d(Int32Array.from(pixels), [1, height, width, 3], 'int32');
  try {
    return await model.executeAsync(input);
  } finally {
    input.dispose();
  }
}

/**
 * Runs the model on one RGB image and keeps every (anchor, class) pair scoring at least minScore.
 * The graph's outputs are per-anchor sigmoid scores [1, anchors, 90] and boxes [1, anchors, 1, 4];
 * non-max suppression happens on the caller's side, per class.
 */
async function detect(model, fast, { pixels, width, height, minScore }) {
  const outputs = fast ? runFast(model, pixels, width, height) : await runGraph(model, pixels, width, height);
  try {
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
    tf.dispose(outputs);
  }
}

/** Whether the fast path gives the graph's own scores on a test pattern (false if it cannot run at all). */
async function fastPathAgrees(model) {
  const width = 64;
  const height = 48;
  const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
  try {
    const [slow, fast] = [await detect(model, false, { pixels, width, height, minScore: 0 }), await detect(model, true, { pixels, width, height, minScore: 0 })];
    return slow.length === fast.length && slow.every((v, i) => Math.abs(v - fast[i]) < 1e-4);
  } catch {
    return false;
  }
}

async function start({ modelDir, wasmDir }) {
  const started = performance.now();
  // setWasmPaths takes a prefix that is concatenated with the file name: it must end with a separator.
  setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  const model = await loadModel(modelDir);
  // Also the warm-up: both paths allocate their kernels' buffers, so the first real image is not slow.
  const fast = await fastPathAgrees(model);
  return { model, fast, loadMs: performance.now() - started };
}

function serve(model, fast) {
  parentPort.on('message', (message) => {
    if (message?.type !== 'detect') return;
    const started = performance.now();
    detect(model, fast, message).then(
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
  ({ model, fast, loadMs }) => {
    serve(model, fast);
    parentPort.postMessage({ type: 'ready', backend: tf.getBackend(), loadMs, fastPath: fast });
  },
  (error) => parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) }),
);
