/**
 * The two ways a resolver leaves its handler early, modelled as host-side throwables so that
 * evaluateResolver can tell them apart from bugs in the resolver's own code.
 */

/** One entry of a GraphQL response's `errors`, in AppSync's shape (before path/locations are added). */
export interface ResolverErrorShape {
  message: string;
  errorType: string;
  data: unknown;
  errorInfo: unknown;
}

/** What util.error raises. AppSync reports an unnamed custom error as CustomTemplateException. */
export class ResolverError extends Error {
  readonly errorType: string;
  readonly data: unknown;
  readonly errorInfo: unknown;

  constructor(message: string, errorType?: string, data?: unknown, errorInfo?: unknown) {
    super(message);
    this.name = 'ResolverError';
    this.errorType = errorType ?? 'CustomTemplateException';
    this.data = data ?? null;
    this.errorInfo = errorInfo ?? null;
  }

  toShape(): ResolverErrorShape {
    return { message: this.message, errorType: this.errorType, data: this.data, errorInfo: this.errorInfo };
  }
}

/** What runtime.earlyReturn raises: not an error, a jump. */
export class EarlyReturnSignal {
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT' | undefined,
  ) {}
}

/** A util function AppSync has but this local runtime deliberately leaves out (so it fails loudly, never silently). */
export class UnsupportedUtilError extends ResolverError {
  constructor(name: string) {
    super(`${name} is not supported by the local APPSYNC_JS runtime`, 'Code');
  }
}
