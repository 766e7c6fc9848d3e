/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM and data files relative to its own module: bundling breaks that.
  serverExternalPackages: ['@electric-sql/pglite', 'pg-boss', 'pg'],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    serverActions: {
      // Above the definition size limit (maxDefinitionBytes, 1 MiB, in lib/apis/definition-size.ts)
      // and the form fields around it, so a too-large save gets the app's own message, not Next's
      // generic failure page. lib/apis/definition-size.test.ts keeps the two in step.
      bodySizeLimit: '3mb',
    },
  },
};

export default nextConfig;
