import { PageHeader } from "@/components/PageHeader";
import { Section } from "@/components/Section";
import { useSession } from "@/lib/session";
import { ChangePasswordForm } from "../components/ChangePasswordForm";

/** The signed-in person's own account, reached from the user menu. */
export function AccountPage() {
  const session = useSession();
  return (
    <>
      <PageHeader
        title="Your account"
        description={session ? `${session.user.username} · ${session.user.email}` : undefined}
      />
      <Section title="Change password">
        <ChangePasswordForm />
      </Section>
    </>
  );
}
