import * as tf from '@tensorflow/tfjs';
import { type BertForSequenceClassification, batchFromArrays, bertClassificationForward, disposeBatch } from '../../model/index.js';
import type { BertTokenizer } from '../../tokenizer/index.js';
import { type EncodedPair, encodePair } from './featurize.js';
import { softmaxRow } from './infer.js';

export interface PairExplanation {
  pair: EncodedPair;
  /** Softmax over the labels, in label order. */
  probabilities: number[];
  predicted: number;
  /** Gradient x input of the predicted label's logit per token (summed over the hidden size), in token order. */
  saliency: number[];
}

/**
 * Classifies one pair and attributes the predicted label's logit to its tokens by gradient x input:
 * for each token, the dot product of d(logit)/d(word embedding) with the word embedding itself.
 */
export async function explainPair(
  model: Pick<BertForSequenceClassification, 'params' | 'config'>,
  tokenizer: BertTokenizer,
  sentence1: string,
  sentence2: string,
  maxLength: number,
): Promise<PairExplanation> {
  const pair = encodePair(tokenizer, sentence1, sentence2, maxLength);
  const L = pair.inputIds.length;
  const batch = batchFromArrays(1, L, pair.inputIds, pair.tokenTypeIds, new Int32Array(L).fill(1));
  const table = model.params.get('bert.embeddings.word_embeddings.weight')!;
  const words = tf.tidy(() => tf.gather(table, tf.reshape(batch.inputIds, [L])) as tf.Tensor2D);
  const logitsT = tf.tidy(() => bertClassificationForward(model.params, model.config, batch, { inputsEmbeds: words }));
  const logits = Array.from(await logitsT.data());
  logitsT.dispose();
  const probabilities = softmaxRow(logits);
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const perToken = tf.tidy(() => {
    const grad = tf.grad((w: tf.Tensor) =>
      tf.squeeze(tf.slice(bertClassificationForward(model.params, model.config, batch, { inputsEmbeds: w as tf.Tensor2D }), [0, predicted], [1, 1])),
    )(words);
    return tf.sum(tf.mul(grad, words), -1);
  });
  const saliency = Array.from(await perToken.data());
  tf.dispose([perToken, words]);
  disposeBatch(batch);
  return { pair, probabilities, predicted, saliency };
}
