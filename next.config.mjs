/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WASM and data files relative to its own module: bundling breaks that.
  serverExternalPackages: ['@electric-sql/pglite', 'pg-boss', 'pg'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
