export const ISOLATION_HEADERS: Record<string, string>;
