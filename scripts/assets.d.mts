import type { IncomingMessage, ServerResponse } from 'node:http';

export function classifyAsset(relPath: string): 'vocabulary' | 'model' | 'dataset' | 'predictions' | 'other';
export function listAssets(root: string): { root: string; files: { path: string; size: number; kind: string }[] };
export function assetsMiddleware(root: string | undefined): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
