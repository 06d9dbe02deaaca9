// Sets the Medusa admin's password (ADMIN_EMAIL) to NEW_ADMIN_PASSWORD, through Medusa v2's auth
// module: the emailpass provider's `update` hashes the password (scrypt) into the admin's provider
// identity, as Medusa's own password reset does; the previous password stops working at once.
// Run by medusa-rotate-admin.sh with `medusa exec` from the ConfigMap mount: plain CommonJS with no
// require() (modules resolve from this file's directory, not the application's), and the modules are
// resolved from the container by name ("user", "auth": Modules.USER, Modules.AUTH).
// The update is the last step: a run that fails changed nothing. Nothing here prints the password.
"use strict";

async function rotateAdminPassword({ container }) {
  const logger = container.resolve("logger");
  const email = (process.env.ADMIN_EMAIL || "").trim();
  const password = process.env.NEW_ADMIN_PASSWORD || "";
  if (!email || !password) throw new Error("ADMIN_EMAIL and NEW_ADMIN_PASSWORD must be set");
  const users = container.resolve("user");
  if ((await users.listUsers({ email })).length === 0) throw new Error(`no admin user ${email}`);
  const auth = container.resolve("auth");
  const identities = await auth.listProviderIdentities({ entity_id: email, provider: "emailpass" });
  if (identities.length === 0) throw new Error(`${email} has no emailpass identity`);
  const updated = await auth.updateProvider("emailpass", { entity_id: email, password });
  if (!updated.success) throw new Error(`the new password was not set: ${updated.error}`);
  logger.info(`New admin password set for ${email}.`);
}

exports.default = rotateAdminPassword;
