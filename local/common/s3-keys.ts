/**
 * The S3 keys the local S3 emulator must not be given, shared by the upload gateway (which answers S3's
 * errors for them) and the s3rver store (which refuses them on s3rver's own loopback port): s3rver joins a
 * key's parts into a file path.
 */

/** S3's own limit on a key, in bytes. */
export const MAX_KEY_BYTES = 1024;

/** A `..` segment, however the key spells its separators: s3rver would resolve it as a file path. */
export const hasDotDotSegment = (key: string): boolean => key.split(/[/\\]/).includes('..');
