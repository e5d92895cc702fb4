export {
  BERT_DEFAULTS,
  BERT_PRESETS,
  BertConfigError,
  bertConfigToJson,
  parseBertConfig,
  validateBertConfig,
  type BertConfig,
  type BertPresetName,
  type HiddenAct,
} from './config.js';
export {
  QA_OUTPUTS_BIAS,
  QA_OUTPUTS_WEIGHT,
  bertEncoderParamSpecs,
  bertParamSpecs,
  qaHeadParamSpecs,
  countBertParams,
  initBertParams,
  initParam,
  shapeSize,
  type HostParams,
  type HostTensor,
  type ParamInit,
  type ParamSpec,
} from './params.js';
export {
  ATTENTION_MASK_VALUE,
  BertForQuestionAnswering,
  batchFromArrays,
  bertClassificationForward,
  bertEncoderForward,
  bertQaForward,
  disposeBatch,
  qaLoss,
  spanCrossEntropy,
  type BertBatch,
  type EncoderOutput,
  type ForwardOptions,
  type LossAndGrads,
  type ParamTensors,
  type QaLogits,
} from './bert.js';
export { BertVariables } from './variables.js';
export {
  BertForSequenceClassification,
  CLASSIFIER_BIAS,
  CLASSIFIER_WEIGHT,
  POOLER_BIAS,
  POOLER_WEIGHT,
  classificationConfigJson,
  classificationHeadParamSpecs,
  classificationParamSpecs,
  labelsFromConfigJson,
} from './classification.js';
export { ACTIVATION_FIT, MAX_WEIGHT_BYTES, bertParameterCount, checkWeightsFit, estimateModel, type EstimateOptions, type ModelEstimate } from './estimate.js';
export { decodeToFloat32, halfToFloat, type StoredTensor, type TensorDtype } from './dtypes.js';
export { SafetensorsError, readSafetensors, writeSafetensors, writeSafetensorsTyped, type SafetensorsFile, type TypedTensor } from './safetensors.js';
export { PickleError, unpickle } from './pickle.js';
export { readPytorchCheckpoint } from './pytorch.js';
export {
  WeightsLoadError,
  canonicalParamName,
  formatLoadReport,
  loadBertWeights,
  type LoadReport,
  type LoadWeightsOptions,
  type LoadedWeights,
  type ShapeMismatch,
} from './weights.js';
export {
  hfFolderFiles,
  loadModelFiles,
  modelFiles,
  zipModelFiles,
  type LoadedModel,
  type ModelFiles,
  type TokenizerSettings,
} from './hf-folder.js';
export {
  HUB_BASE_URL,
  HUB_PRESETS,
  HubError,
  downloadHubFile,
  downloadHubModel,
  hubFileUrl,
  loadHubModel,
  type DownloadOptions,
  type DownloadProgress,
  type HubCache,
  type HubLocation,
  type HubModel,
  type HubPreset,
} from './hub.js';
export { fusedKernelsEnabled, setFusedKernels } from './fused/index.js';
