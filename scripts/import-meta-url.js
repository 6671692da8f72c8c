// Injected by esbuild (scripts/build.mjs): ESM dependencies read `import.meta.url` at load
// time (ps-list does), which CommonJS output leaves undefined; this gives them the bundle's URL.
export const importMetaUrl = require('url').pathToFileURL(__filename).href;
