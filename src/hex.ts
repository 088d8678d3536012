// `0xC0020001`: a 32-bit value as the Windows tools print it (eight upper-case hex digits).
export function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
