// `0xC0020001`: a 32-bit value as the Windows tools print it. The one definition is the binary
// codec's; this module keeps the short import path the compiler and the CLI use.
export { hex32 } from './binary/codec.js';
