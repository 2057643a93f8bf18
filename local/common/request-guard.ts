/**
 * The last-resort guard of every local server: a request listener that throws, synchronously or in its
 * promise, must answer that one request with a named error and leave the process (and every other server
 * in it) serving. Node ends the process on an uncaught exception in a listener, so each server wraps its
 * listeners here instead of trusting every code path below them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RequestFault {
  /** Which server (e.g. "upload gateway"). */
  server: string;
  method: string;
  url: string;
  error: unknown;
}

export type FaultReporter = (fault: RequestFault) => void;

/** One line for the operator's log: the server, the request line and the error. */
export const describeFault = (fault: RequestFault): string =>
  `${fault.server}: ${fault.method} ${fault.url.slice(0, 200)} failed: ${fault.error instanceof Error ? (fault.error.stack ?? fault.error.message) : String(fault.error)}`;

type Listener = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export const guardRequests = (
  server: string,
  listener: Listener,
  /** The server's own named error for "I failed" (S3 XML, AppSync JSON...). */
  answerFault: (request: IncomingMessage, response: ServerResponse) => void,
  report: FaultReporter,
): RequestListener => {
  return (request, response) => {
    const fail = (error: unknown): void => {
      report({ server, method: request.method ?? '?', url: request.url ?? '?', error });
      try {
        if (!response.headersSent) answerFault(request, response);
        else response.destroy();
      } catch {
        response.destroy();
      }
    };
    try {
      const result = listener(request, response);
      if (result) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
};

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The same for WebSocket upgrades: a plain HTTP error on the raw socket, then close it. */
export const guardUpgrades = (server: string, listener: UpgradeListener, report: FaultReporter): UpgradeListener => {
  return (request, socket, head) => {
    try {
      listener(request, socket, head);
    } catch (error) {
      report({ server, method: request.method ?? '?', url: request.url ?? '?', error });
      rejectUpgrade(socket, 500, 'Internal Server Error');
    }
  };
};

/** Answers an upgrade request with a plain HTTP status and closes the socket. */
export const rejectUpgrade = (socket: Duplex, status: number, reason: string, body = ''): void => {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
};
