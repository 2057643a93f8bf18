import { asJson, isRecord, type DataSource } from './types';

/** NONE: AppSync hands the request's payload straight to the response handler as ctx.result. */
export const createNoneDataSource = (): DataSource => ({
  invoke: async (request) => ({ result: isRecord(request) ? asJson(request.payload) : null }),
});
