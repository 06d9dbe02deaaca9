import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import type { Account } from "../api/list-users";
import { useUpdateUser, type UserUpdate } from "../api/update-user";

export type AccountChange = { account: Account; change: UserUpdate["change"] };

function describe({ account, change }: AccountChange): { title: string; text: string; label: string } {
  const name = account.username;
  if (change.is_active === false)
    return {
      title: `Deactivate ${name}?`,
      text: "Their sessions end at once and they cannot sign in until an admin reactivates the account. Their stores stay as they are.",
      label: "Deactivate",
    };
  if (change.is_active === true)
    return { title: `Reactivate ${name}?`, text: "They can sign in again with their password.", label: "Reactivate" };
  return change.role === "admin"
    ? {
        title: `Make ${name} an admin?`,
        text: "Admins see and manage every store, account and rollout.",
        label: "Make admin",
      }
    : {
        title: `Make ${name} a tenant?`,
        text: "They keep their own stores and lose access to everything else.",
        label: "Make tenant",
      };
}

/** Every change to an account is confirmed first; the API audits it and keeps one active admin. */
export function AccountChangeDialog({ pending, onClose }: { pending: AccountChange | null; onClose: () => void }) {
  const update = useUpdateUser();
  const words = pending ? describe(pending) : null;
  return (
    <ConfirmDialog
      open={pending !== null}
      onOpenChange={(open) => {
        if (!open) {
          update.reset();
          onClose();
        }
      }}
      title={words?.title ?? ""}
      description={words?.text}
      confirmLabel={words?.label ?? "Confirm"}
      destructive={pending?.change.is_active === false}
      busy={update.isPending}
      onConfirm={() =>
        pending && update.mutate({ userId: pending.account.id, change: pending.change }, { onSuccess: onClose })
      }
    >
      <ErrorAlert error={update.error} title="The change was refused" />
    </ConfirmDialog>
  );
}
