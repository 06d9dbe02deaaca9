import { setupServer } from "msw/node";

/** The HTTP-level mock every test shares; each test adds the handlers it needs with server.use. */
export const server = setupServer();
