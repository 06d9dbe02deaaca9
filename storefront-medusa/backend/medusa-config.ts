// Everything that differs between stores and environments comes from the environment: one image
// serves every store.
import { defineConfig, loadEnv } from "@medusajs/framework/utils";

loadEnv(process.env.NODE_ENV || "development", process.cwd());

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: required("DATABASE_URL"),
    // Unset: Medusa's in-memory event bus, locking and workflow engine (one replica per store).
    redisUrl: process.env.REDIS_URL || undefined,
    http: {
      // Comma-separated exact origins (scheme, host and port): the storefront's origin for the Store API.
      storeCors: required("STORE_CORS"),
      adminCors: process.env.ADMIN_CORS || required("STORE_CORS"),
      authCors: process.env.AUTH_CORS || required("STORE_CORS"),
      jwtSecret: required("JWT_SECRET"),
      cookieSecret: required("COOKIE_SECRET"),
    },
  },
  admin: {
    // The stores are run by the platform: no admin dashboard is built or served.
    disable: true,
    backendUrl: process.env.MEDUSA_BACKEND_URL || undefined,
  },
});
