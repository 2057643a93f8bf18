/** The part of libheif-js (libheif compiled to wasm) that heif-decoder.ts uses; the package ships no typings for it. */
declare module 'libheif-js/wasm-bundle' {
  interface HeifImage {
    get_width(): number;
    get_height(): number;
    is_primary(): boolean;
    /** Decodes into `target` (RGBA) and calls back with it, or with null when decoding failed. */
    display(
      target: { data: Uint8ClampedArray; width: number; height: number },
      callback: (result: { data: Uint8ClampedArray; width: number; height: number } | null) => void,
    ): void;
    free(): void;
  }
  interface HeifDecoder {
    /** The top-level images of the file, or [] when it is not a readable HEIF file. */
    decode(bytes: Uint8Array): HeifImage[];
    decoder: { delete(): void };
  }
  const libheif: { ready?: Promise<unknown>; HeifDecoder: new () => HeifDecoder };
  export default libheif;
}
