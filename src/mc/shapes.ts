// Keeping V8's object shapes the same from one input to the next, for a compile of many files in
// one process (docs/performance.md). V8 compiles the per-message code for the shapes and element
// kinds it has seen; a new shape arriving in the next file throws that code away ("deopt") and
// the file runs unoptimised until it is compiled again, which cost the second and third large
// file of the 14 in corpus/large about half their time. `node --trace-deopt` shows any left.

/**
 * An empty array whose elements are already of the kind that holds objects. A fresh `[]` starts
 * as an array of small integers and changes kind at its first push; code optimised on the
 * previous file's arrays, which had changed kind long before, was thrown away at that push.
 */
export function objectArray<T extends object>(): T[] {
  const a: object[] = [{}];
  a.pop();
  return a as T[];
}
