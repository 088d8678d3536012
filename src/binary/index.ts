// The binary substrate: bounds-checked reading, growable writing, codecs, one error type.
export { ByteReader, type ByteReaderOptions } from './reader.js';
export { ByteWriter } from './writer.js';
export { FormatError, atByteOffset, atFileOffset, readerFormatError, type FormatErrorOptions, type FormatErrorFactory, type ReaderFormatErrorClass } from './errors.js';
export * from './codec.js';
export { decompressPlainLz77 } from './lz77.js';
export { Struct, struct, type FieldType, type Fields, type StructValues, type StructInput } from './layout.js';
