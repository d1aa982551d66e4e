// Checkpoints: safetensors, Hugging Face model folders, and the hub cache.
export {
  SafetensorsFile,
  SafetensorsError,
  parseHeader,
  buildHeader,
  writeSafetensors,
  halfToFloat,
  MAX_HEADER_BYTES,
} from './safetensors';
export type { TensorEntry, SafetensorsHeader, TensorToWrite } from './safetensors';
export {
  loadPretrained,
  savePretrained,
  loadWeightsInto,
  resolveModelDir,
  exportTensors,
  configJson,
  canonicalName,
} from './pretrained';
export type { LoadOptions, LoadResult, LoadReport } from './pretrained';
export {
  downloadSnapshot,
  cachedSnapshot,
  hubCacheDir,
  repoCacheFolder,
  looksLikeHubId,
  listCachedModels,
  MODEL_FILES,
} from './hub';
export type { ProgressEvent, DownloadOptions } from './hub';
