// Everything that differs between stores and environments comes from the environment: one image
// serves every store.
import { defineConfig, loadEnv } from "@medusajs/framework/utils";

loadEnv(process.env.NODE_ENV || "development", process.cwd());

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

// The store's public URL (the Ingress serves the storefront, the API and the admin on this one host).
const backendUrl = process.env.MEDUSA_BACKEND_URL?.replace(/\/+$/, "") || undefined;

// The session cookie (admin sign-in): Medusa derives `secure` from NODE_ENV alone, which breaks
// sign-in over plain http in production mode. The scheme the store is served on decides instead;
// `lax` keeps Medusa's CSRF protection (the admin and the API share the store's origin).
const cookieOptions = backendUrl ? { secure: backendUrl.startsWith("https://"), sameSite: "lax" as const } : undefined;

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: required("DATABASE_URL"),
    // Unset: Medusa's in-memory event bus, locking and workflow engine (one replica per store).
    redisUrl: process.env.REDIS_URL || undefined,
    http: {
      // Comma-separated exact origins (scheme, host and port): the storefront's origin for the Store API,
      // the store's own origin (where /app is served) for the Admin and Auth APIs.
      storeCors: required("STORE_CORS"),
      adminCors: process.env.ADMIN_CORS || required("STORE_CORS"),
      authCors: process.env.AUTH_CORS || required("STORE_CORS"),
      jwtSecret: required("JWT_SECRET"),
      cookieSecret: required("COOKIE_SECRET"),
    },
    cookieOptions,
  },
  admin: {
    // Medusa's dashboard, built by `medusa build` and served by `medusa start` (NODE_ENV other than
    // development; development runs Vite's dev server instead).
    path: "/app",
    // Baked into the bundle at build time. Builds leave MEDUSA_BACKEND_URL unset: "/" makes the
    // dashboard call the origin it is served from, so one build fits every store.
    backendUrl: backendUrl || "/",
  },
  modules: [
    {
      // Uploads from the admin (product images) go to ./static, served by Medusa at /static.
      resolve: "@medusajs/medusa/file",
      options: {
        providers: [
          {
            resolve: "@medusajs/medusa/file-local",
            id: "local",
            options: backendUrl ? { backend_url: `${backendUrl}/static` } : {},
          },
        ],
      },
    },
  ],
});
