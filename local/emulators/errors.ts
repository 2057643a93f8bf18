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
