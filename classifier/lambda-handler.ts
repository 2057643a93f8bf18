/**
 * The image-processor Lambda entry of a stage deployed with -c classifier=local: the same handler as
 * functions/image-processor/handler.ts, given the local model to build when CLASSIFIER=local. It lives here,
 * not in functions/, so that the functions never import the model and the Rekognition bundles never carry it.
 */
import { createHandler } from '../functions/image-processor/handler';
import { builtOnFirstCall } from '../functions/runtime/instrument';
import { fromEnvironment } from '../functions/runtime/wiring/image-processor';
import { createLocalClassifier } from './index';

export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env, { localClassifier: createLocalClassifier })));
