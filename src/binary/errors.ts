// One error for every binary reader: which format, which structure, where in the file, what is
// wrong. Each reader's own error class (PeFormatError, EvtxFormatError, ...) subclasses it, so a
// caller can catch `FormatError` for any of them and still tell them apart by class or `format`.
// The message is escaped (escapeText): names and strings decoded from a hostile file cannot put
// control characters or terminal escape sequences into a diagnostic.

import { escapeText } from './codec.js';

export interface FormatErrorOptions {
  /** The structure being read: 'optional header', 'chunk header', 'record', ... */
  structure?: string;
  /** How the offset is written after the message; the default is ` (at byte offset 0x1f)`. */
  place?: (offset: number) => string;
  /** The whole message, where a reader words it its own way (the offset is still in `offset`). */
  text?: string;
  cause?: unknown;
}

export class FormatError extends Error {
  /** The format being read: 'PE', 'RES', 'EVTX', 'EVT', 'BinXML', 'regf', 'message table', ... */
  readonly format: string;
  /** The structure being read, where the reader named one. */
  readonly structure: string | undefined;
  /** Where the problem is: a file offset, or for BinXML an offset in its chunk. */
  readonly offset: number;
  /** The message without the offset. */
  readonly detail: string;

  constructor(format: string, detail: string, offset: number, options: FormatErrorOptions = {}) {
    super(escapeText(options.text ?? detail + (options.place ?? atByteOffset)(offset)), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FormatError';
    this.format = format;
    this.structure = options.structure;
    this.offset = offset;
    this.detail = escapeText(detail);
  }
}

/** ` (at byte offset 0x1f)`, the default place. */
export function atByteOffset(offset: number): string {
  return ` (at byte offset 0x${offset.toString(16)})`;
}

/** ` (file offset 0x1f)`. */
export function atFileOffset(offset: number): string {
  return ` (file offset 0x${offset.toString(16)})`;
}

/** Makes the error a reader throws: a subclass of FormatError, or FormatError itself. */
export type FormatErrorFactory = (detail: string, offset: number, structure?: string) => FormatError;

/** The constructor most readers' errors have: `new PeFormatError(message, offset, structure?)`. */
export type ReaderFormatErrorClass = new (message: string, offset: number, structure?: string) => FormatError;

/**
 * The base of a reader's own error class, so the class is one line:
 * `export class EvtFormatError extends readerFormatError('EVT', 'EvtFormatError', atFileOffset) {}`.
 * `name` is the class's name as errors print it; `place` as in FormatErrorOptions.
 */
export function readerFormatError(format: string, name: string, place?: (offset: number) => string): ReaderFormatErrorClass {
  return class extends FormatError {
    constructor(message: string, offset: number, structure?: string) {
      super(format, message, offset, { structure, place });
      this.name = name;
    }
  };
}
