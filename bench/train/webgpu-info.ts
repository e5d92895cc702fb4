interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software/i;

/** The WebGPU adapter in words, and whether it is a CPU emulation (SwiftShader, llvmpipe, lavapipe). */
export async function webgpuAdapterSummary(): Promise<{ text: string; software: boolean }> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return { text: 'no adapter', software: true };
  const i = adapter.info ?? {};
  const words = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ');
  const software = Boolean(adapter.isFallbackAdapter ?? i.isFallbackAdapter) || SOFTWARE.test(words);
  return { text: `${words || 'unnamed adapter'}${software ? ' (software emulation)' : ''}`, software };
}
