export * from './types.js';
export { buildDataset, locateParagraph, articlesFromShards, splitByArticle, splitPlan, histogram, PARAGRAPHS_PER_SHARD } from './dataset.js';
export { IdbDatasetStore, openStudioDb, DB_NAME, type TensorRecord, type KeyedRecord } from './idb.js';
export * from './pairs.js';
