import type { Server } from 'node:http';

export function createServer(assetsDir?: string, options?: { distDir?: string }): Server;
