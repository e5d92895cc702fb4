import { softwareAdapterReason } from '../../src/core/backend/index.js';

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  device?: string;
  isFallbackAdapter?: boolean;
}

/** The WebGPU adapter in words, and whether it is a CPU emulation (SwiftShader, llvmpipe, lavapipe). */
export async function webgpuAdapterSummary(): Promise<{ text: string; software: boolean }> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null> } } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return { text: 'no adapter', software: true };
  const i = adapter.info ?? {};
  const facts = {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    description: i.description ?? '',
    device: i.device,
    isFallbackAdapter: i.isFallbackAdapter ?? adapter.isFallbackAdapter,
  };
  const why = softwareAdapterReason(facts);
  const words = [facts.vendor, facts.architecture, facts.device, facts.description].filter(Boolean).join(' / ');
  return { text: `${words || 'unnamed adapter'}${why ? ` (${why})` : ''}`, software: why !== null };
}
