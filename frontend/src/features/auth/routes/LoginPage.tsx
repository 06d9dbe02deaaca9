import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { sessionEndReason, useSession } from "@/lib/session";
import { AuthCard } from "../components/AuthCard";
import { LoginForm } from "../components/LoginForm";

/** Only paths inside the dashboard may be returned to after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const next = safeNext(params.get("next"));
  if (session) return <Navigate to={next} replace />;
  const reason = sessionEndReason();
  return (
    <AuthCard
      title="Sign in"
      intro={
        <>
          {reason === "expired" && (
            <Alert tone="warning" title="Your session has ended">
              For your security you were signed out. Sign in again to continue where you were.
            </Alert>
          )}
          {reason === "signed-out" && <Alert tone="info">You are signed out.</Alert>}
        </>
      }
      footer={
        <>
          No account yet?{" "}
          <Link className="text-blue-700 underline" to="/register">
            Create one
          </Link>
        </>
      }
    >
      <LoginForm onSignedIn={() => navigate(next, { replace: true })} />
    </AuthCard>
  );
}
