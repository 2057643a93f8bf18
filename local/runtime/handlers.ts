/**
 * The product's Lambda handlers (contracts.md section 1), loaded lazily and exactly once: each module
 * reads its configuration at import (its cold start), so it must be imported only after the local
 * environment is in place. The modules are the same files the CDK stack bundles.
 */
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { REPO_ROOT } from '../common/paths';

export type AnyHandler = (event: never, context: Context) => Promise<unknown>;

export const FUNCTIONS = {
  requestUpload: { name: 'serverlessapp-local-request-upload', module: 'functions/request-upload/handler.ts', timeoutMs: 10_000 },
  imageReader: { name: 'serverlessapp-local-image-reader', module: 'functions/image-reader/handler.ts', timeoutMs: 10_000 },
  imageProcessor: { name: 'serverlessapp-local-image-processor', module: 'functions/image-processor/handler.ts', timeoutMs: 60_000 },
  streamPublisher: { name: 'serverlessapp-local-stream-publisher', module: 'functions/stream-publisher/handler.ts', timeoutMs: 30_000 },
} as const;

export type FunctionKey = keyof typeof FUNCTIONS;

export const createHandlerLoader = () => {
  const loaded = new Map<FunctionKey, Promise<AnyHandler>>();
  const load = <H = AnyHandler>(key: FunctionKey): Promise<H> => {
    let pending = loaded.get(key);
    if (!pending) {
      // A computed path on purpose: the handlers are another team's files, resolved at run time.
      const path = resolve(REPO_ROOT, FUNCTIONS[key].module);
      pending = import(path).then((module: { handler?: AnyHandler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${FUNCTIONS[key].module} does not export a handler`);
        return module.handler;
      });
      pending.catch(() => loaded.delete(key));
      loaded.set(key, pending);
    }
    return pending as Promise<H>;
  };
  return { load };
};
