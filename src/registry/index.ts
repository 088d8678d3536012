// Public surface of the EventLog source registrar.

export { REGISTRY_ERRORS, RegistryError } from './errors.js';
export {
  DEFAULT_TYPES_SUPPORTED,
  EVENTLOG_KEY,
  SOURCE_VALUE_NAMES,
  type RegistrationInput,
  type SourceRegistration,
  type ValidateOptions,
  expandEnvironment,
  logKeyPath,
  sourceKeyPath,
  validateRegistration,
} from './model.js';
export {
  type Change,
  type Plan,
  type PlanStep,
  type RegistryView,
  type Resolution,
  describeChange,
  describeStep,
  plan,
  planRegister,
  planUnregister,
  resolve,
  sourceValues,
} from './plan.js';
export { type ApplyOptions, type WritableRegistry, applyChanges } from './apply.js';
export { LiveRegistry, type NativeReg, applyToLiveRegistry, loadNativeReg } from './live.js';
export { HiveRegistry, applyToHiveFile, openHiveFile } from './hive.js';
export { RegfHive, baseBlockChecksum, lhHash } from './regf.js';
export { RegFileView, parseRegFile, valueLine, writeRegFile } from './reg-file.js';
export { FLG_DELREG_MULTI_SZ_DELSTRING, infString, writeInf } from './inf.js';
export { RegType, type RegValue, decodeMultiString, decodeString, describeValue } from './values.js';
export {
  CHANNEL_REFERENCE_IMPORTED,
  CHANNEL_TYPE_VALUES,
  CHANNELS_KEY,
  ISOLATION_VALUES,
  PUBLISHERS_KEY,
  WINEVT_KEY,
  type ChannelConfig,
  type ChannelReference,
  type PublisherEntry,
  type PublisherInput,
  type PublisherPlan,
  type PublisherRegistration,
  type PublisherResolution,
  type PublisherStep,
  channelKeyPath,
  describePublisherChange,
  describePublisherStep,
  loadPublisherManifest,
  planPublisher,
  publisherKeyPath,
  publishersFromManifest,
  resolvePublisher,
} from './publisher.js';
export { SoftwareHiveRegistry, applyPublisherToHiveFile, openSoftwareHiveFile } from './publisher-hive.js';
export { writePublisherInf } from './publisher-inf.js';
export { applyPublisherToLiveRegistry } from './publisher-live.js';
