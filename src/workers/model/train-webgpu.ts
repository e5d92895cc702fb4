import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-webgpu 4.22 runs AddN as one shader binding every input, so an addN of more than
 * maxStorageBuffersPerShaderStage - 1 tensors (8 - 1 by default) fails validation and reads back as
 * zeros. The trainer's global gradient norm adds one square per parameter (~40 for BERT): without
 * this, loss and grad norm read 0 and no update happens. This kernel sums in chunks that fit.
 */
let installed = false;

export function installChunkedWebGpuAddN(): boolean {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original || installed) return false;
  installed = true;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const limit = (backend as unknown as { device?: GPUDevice }).device?.limits.maxStorageBuffersPerShaderStage ?? 8;
    const width = Math.max(2, limit - 1);
    let level = inputs as unknown as tf.TensorInfo[];
    const temporaries: tf.TensorInfo[] = [];
    while (level.length > width) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += width) {
        const chunk = level.slice(i, i + width);
        if (chunk.length === 1) {
          next.push(chunk[0]);
          continue;
        }
        const partial = original.kernelFunc({ inputs: chunk as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
        temporaries.push(partial);
        next.push(partial);
      }
      level = next;
    }
    const result = original.kernelFunc({ inputs: level as unknown as tf.NamedTensorInfoMap, backend, attrs });
    for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
    return result;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc });
  return true;
}
