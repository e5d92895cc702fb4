export { fusedKernelsEnabled, setFusedKernels, type FusedKernelDef } from './kernel.js';
export { attentionProbs, attentionProbsComposite, type AttentionOptions } from './attention.js';
export { layerNorm, layerNormComposite } from './layer-norm.js';
export { biasGelu, biasGeluComposite, type GeluForm } from './bias-gelu.js';
export { residualDropout, residualDropoutComposite } from './residual-dropout.js';
export { qaCrossEntropy, qaCrossEntropyComposite, rowCrossEntropy } from './qa-cross-entropy.js';
export { embeddingGradComposite, embeddingLookup } from './embedding.js';
export { linear, linearComposite, matMul, type HeadLayout } from './linear.js';
