/**
 * Which web pages may call the local servers: the console's own origins (the AppSync server's HTTP and
 * HTTPS ports, as 127.0.0.1, localhost or [::1]) and callers that send no Origin at all (the CLI, the SDK,
 * curl). A deployed API answers only its configured origins; answering `*` here would let any page the
 * developer visits read and change local data. Host is checked too, so a DNS-rebound name is refused.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface LocalOrigins {
  /** Adds the origins of a server that now listens on `port`. */
  addServer(protocol: 'http' | 'https', port: number): void;
  /** True for no Origin (not a browser) and for the console's own origins. */
  allowsOrigin(origin: string | undefined): boolean;
  /** True when Host names a loopback address and one of our ports. */
  allowsHost(host: string | undefined): boolean;
  readonly list: readonly string[];
}

export const createLocalOrigins = (extraOrigins: readonly string[] = []): LocalOrigins => {
  const origins = new Set<string>(extraOrigins);
  const hosts = new Set<string>();
  return {
    addServer(protocol, port) {
      for (const name of LOOPBACK_NAMES) {
        origins.add(`${protocol}://${name}:${port}`);
        hosts.add(`${name}:${port}`);
      }
    },
    allowsOrigin: (origin) => origin === undefined || origins.has(origin.toLowerCase()),
    allowsHost: (host) => host !== undefined && hosts.has(host.toLowerCase()),
    get list() {
      return [...origins];
    },
  };
};
