/** Images per gallery page: what the console asks images() for, and the page the cost model (infra/cost/model.ts) prices. */
export const GALLERY_PAGE_SIZE = 24;
