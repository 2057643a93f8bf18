import { isRecord, type DataSource } from './types';

/** NONE: AppSync hands the request's payload straight to the response handler as ctx.result (JSON: see lambda.ts). */
export const createNoneDataSource = (): DataSource => ({
  invoke: async (request) => ({ result: isRecord(request) ? (request.payload ?? null) : null }),
});
