// POST { email } to the owner's newsletter endpoint (runtime config `newsletterUrl`). Medusa v2 has
// no newsletter service, so this goes to whatever list provider the owner configured; a cross-origin
// endpoint must allow the storefront's origin (CORS) for a JSON POST.

export class NewsletterError extends Error {}

export async function subscribe(url: string, email: string, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ email }),
    });
  } catch {
    throw new NewsletterError("We could not reach the sign-up service. Please try again later.");
  }
  if (!response.ok) throw new NewsletterError("We could not sign you up right now. Please try again later.");
}
