import { setupServer } from "msw/node";
import { statusBarHandlers } from "./fixtures";

/** The HTTP-level mock every test shares; each test adds the handlers it needs with server.use. The
 *  status bar on every signed-in page is answered by default (a healthy platform). */
export const server = setupServer(...statusBarHandlers);
