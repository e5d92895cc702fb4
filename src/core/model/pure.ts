// The model module's tensor-free surface (config, presets, estimates, Hub names): what the page
// itself imports. index.ts adds the tfjs model on top; importing it pulls all of tfjs in.
export { BERT_DEFAULTS, BERT_PRESETS, bertConfigToJson, parseBertConfig, validateBertConfig, type BertConfig, type BertPresetName } from './config.js';
export { ACTIVATION_FIT, MAX_WEIGHT_BYTES, bertParameterCount, checkWeightsFit, estimateModel, type EstimateOptions, type ModelEstimate } from './estimate.js';
export { HUB_PRESETS, type HubPreset } from './hub.js';
export { SafetensorsError, readSafetensors, writeSafetensors, writeSafetensorsTyped, type SafetensorsFile, type TypedTensor } from './safetensors.js';
