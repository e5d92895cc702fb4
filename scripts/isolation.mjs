// Cross-origin isolation: SharedArrayBuffer, and so tfjs's multi-threaded wasm backend, needs it.
// `credentialless` (not `require-corp`) keeps cross-origin fetches such as Hub downloads working
// without those servers having to send Cross-Origin-Resource-Policy.
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};
