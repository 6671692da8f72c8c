// SQLite values as this reader takes them: INTEGER may come as a bigint, json_extract gives
// 1/0 for JSON booleans, and an empty string says nothing.
export const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
export const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : undefined);
export const bool = (v: unknown) => (v === 1 || v === true || v === 1n ? true : v === 0 || v === false || v === 0n ? false : undefined);
