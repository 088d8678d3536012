// Every registrar failure carries an MCnnnn code for the CLI's `winmc : error MCnnnn: text` line.

export const REGISTRY_ERRORS = {
  /** A registration field is missing, out of range or malformed. */
  INVALID_FIELD: 'MC7001',
  /** A message file named in the registration does not exist (only when asked to check). */
  MISSING_FILE: 'MC7002',
  /** An offline hive is malformed: bad signature, checksum, cell or offset. */
  BAD_HIVE: 'MC7003',
  /** A registry write failed or did not read back as written. */
  WRITE_FAILED: 'MC7004',
  /** The live backend was asked for where the Windows registry is not available. */
  NO_LIVE_REGISTRY: 'MC7005',
  /** The registry holds something the registrar will not overwrite (a source in another log...). */
  CONFLICT: 'MC7006',
  /** A .reg file could not be parsed. */
  BAD_REG_FILE: 'MC7007',
  /** A bad command line for `winmc register`/`unregister`. */
  USAGE: 'MC7008',
  /** A failure forced by a test through the backends' fault point. */
  INJECTED_FAULT: 'MC7009',
  /** Warning: a file target could not express a step without the current registry contents. */
  STEP_NOT_WRITTEN: 'MC7010',
  /** The manifest given with --manifest could not be read or has errors. */
  BAD_MANIFEST: 'MC7011',
} as const;

export type RegistryErrorCode = (typeof REGISTRY_ERRORS)[keyof typeof REGISTRY_ERRORS];

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** File the message is about (a hive or .reg file), when there is one. */
    readonly file?: string,
    /** 1-based line in `file`, for .reg input. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
