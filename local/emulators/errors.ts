/** Why an emulator could not start; start.ts prints `message` alone (no stack) because it is meant for people. */
export class EmulatorStartError extends Error {
  constructor(
    readonly emulator: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}

export const JAVA_INSTALL_HINT = 'apt-get install -y openjdk-17-jre-headless';

export class JavaMissingError extends EmulatorStartError {
  constructor() {
    super(
      'DynamoDB Local',
      `Java was not found on PATH, and DynamoDB Local needs it. Install it with: ${JAVA_INSTALL_HINT}`,
    );
    this.name = 'JavaMissingError';
  }
}

/**
 * The child found its port taken when it came to listen: the port was picked free a moment before, and another
 * process got it first. startOnFreePort tries a fresh port; this surfaces only when those were taken too.
 */
export class PortInUseError extends EmulatorStartError {
  constructor(emulator: string, message: string) {
    super(emulator, message);
    this.name = 'PortInUseError';
  }
}
